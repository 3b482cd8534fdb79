import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PREFIX,
  eventSeenKey,
  isValidRackId,
  rackKeys,
  regionKeys,
  snapshotBodyKey,
} from '../../../../protocol/region/keys.js';

/** The Redis Cluster hash tag: the text between the first `{` and the next `}` (when non-empty). */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  return open >= 0 && close > open + 1 ? key.slice(open + 1, close) : key;
}

describe('region key naming', () => {
  it('names every key under the default prefix', () => {
    expect(DEFAULT_PREFIX).toBe('rackd');
    expect(regionKeys()).toEqual({
      prefix: 'rackd',
      configRevision: '{rackd:config}:revision',
      configEpoch: '{rackd:config}:epoch',
      configStream: '{rackd:config}:stream',
      snapshotHead: '{rackd:config}:snapshot',
      snapshotEntryId: '{rackd:config}:snapshot-id',
      eventStream: '{rackd:events}:stream',
      racks: '{rackd:racks}',
    });
    expect(rackKeys('r1')).toEqual({
      rack: 'r1',
      rpc: '{rackd:rack:r1}:rpc',
      rpcReplies: '{rackd:rack:r1}:rpc-replies',
      status: '{rackd:rack:r1}:status',
    });
  });

  it('uses the configured prefix', () => {
    expect(regionKeys('lab.a').configStream).toBe('{lab.a:config}:stream');
    expect(rackKeys('r1', 'lab.a').rpc).toBe('{lab.a:rack:r1}:rpc');
    expect(snapshotBodyKey('lab.a', 'abc-1')).toBe('{lab.a:config}:snapshot:abc-1');
  });

  it("puts one rack's keys in one slot and config keys in another", () => {
    const r1 = rackKeys('r1');
    expect(new Set([r1.rpc, r1.rpcReplies, r1.status].map(hashTag))).toEqual(new Set(['rackd:rack:r1']));
    expect(hashTag(rackKeys('r2').rpc)).not.toBe(hashTag(r1.rpc));
    const k = regionKeys();
    const config = [
      k.configRevision,
      k.configEpoch,
      k.configStream,
      k.snapshotHead,
      k.snapshotEntryId,
      snapshotBodyKey('rackd', 'x'),
    ];
    expect(new Set(config.map(hashTag))).toEqual(new Set(['rackd:config']));
    expect(hashTag(eventSeenKey('rackd', 'r1', 'k:1'))).toBe(hashTag(k.eventStream));
  });

  it('refuses prefixes and rack ids that would break the hash tag, naming the fix', () => {
    expect(() => regionKeys('a{b}')).toThrow(/prefix "a\{b\}" is invalid: use/);
    expect(() => regionKeys('')).toThrow(RangeError);
    expect(() => rackKeys('r:1')).toThrow(/rack id "r:1" is invalid/);
    expect(() => rackKeys('r}1')).toThrow(RangeError);
    expect(() => rackKeys('x'.repeat(65))).toThrow(RangeError);
    expect(isValidRackId('rack-01.dc_2')).toBe(true);
    expect(() => snapshotBodyKey('rackd', '../x')).toThrow(RangeError);
  });
});
