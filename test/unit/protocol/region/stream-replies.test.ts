import { describe, expect, it } from 'vitest';
import { autoclaimReply, entriesReply, hashReply, streamsReply } from '../../../../protocol/region/stream-replies.js';

const ENTRIES = [
  ['1-0', ['a', '1']],
  ['2-0', ['b', '2']],
];
const EXPECTED = [
  { id: '1-0', fields: ['a', '1'] },
  { id: '2-0', fields: ['b', '2'] },
];

describe('stream reply shapes', () => {
  it('reads XREAD under RESP2 (nested), RESP3 legacy (flat) and RESP3 maps alike', () => {
    const want = new Map([['s', EXPECTED]]);
    expect(streamsReply([['s', ENTRIES]])).toEqual(want);
    expect(streamsReply(['s', ENTRIES])).toEqual(want);
    expect(streamsReply({ s: ENTRIES })).toEqual(want);
    expect(streamsReply(null)).toEqual(new Map());
    expect(streamsReply([['s', []]])).toEqual(new Map([['s', []]]));
    expect(streamsReply(['a', ENTRIES, 'b', []])).toEqual(
      new Map([
        ['a', EXPECTED],
        ['b', []],
      ]),
    );
  });

  it('keeps a deleted pending entry as null fields', () => {
    expect(entriesReply([['3-0', null]])).toEqual([{ id: '3-0', fields: null }]);
  });

  it('reads XAUTOCLAIM and HGETALL replies', () => {
    expect(autoclaimReply(['0-0', ENTRIES, ['9-0']])).toEqual({ cursor: '0-0', entries: EXPECTED, deleted: ['9-0'] });
    expect(hashReply(['a', '1', 'b', '2'])).toEqual({ a: '1', b: '2' });
    expect(hashReply({ a: '1' })).toEqual({ a: '1' });
  });
});
