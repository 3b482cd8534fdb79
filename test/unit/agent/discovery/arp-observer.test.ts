// Passive ARP (RFC 826, RFC 5227 probes): which frames make bindings, new/moved/refreshed timing, the
// bounded table under a storm, and the conflicts the observer raises.
import { describe, expect, it } from 'vitest';
import { ArpObserver } from '../../../../agent/discovery/arp-observer.js';
import { BindingTable } from '../../../../agent/discovery/binding-table.js';
import { ConflictDetector } from '../../../../agent/discovery/conflict-detector.js';
import type { DiscoveryEvent, NeighbourEvent } from '../../../../agent/discovery/events.js';
import { arpFrame } from '../../../helpers/arp-frames.js';

const A = '52:54:00:00:00:0a';
const B = '52:54:00:00:00:0b';
const GW = '52:54:00:00:00:01';

function rig(opts: { refreshMs?: number; max?: number; reserved?: Record<string, string> } = {}) {
  const events: DiscoveryEvent[] = [];
  const table = new BindingTable({ refreshIntervalMs: opts.refreshMs ?? 1000, maxEntries: opts.max ?? 100 });
  const conflicts = new ConflictDetector({
    windowMs: opts.refreshMs ?? 1000,
    reservedMacs: (ip) => (opts.reserved?.[ip] ? [opts.reserved[ip]] : undefined),
  });
  const observer = new ArpObserver({ table, conflicts, emit: (e) => events.push(e) });
  const neighbours = () =>
    events
      .filter((e): e is NeighbourEvent => e.kind === 'neighbour')
      .map((e) => `${e.change} ${e.ip} ${e.mac}${e.previousMac ? ` was ${e.previousMac}` : ''}`);
  return { events, table, observer, neighbours };
}

describe('ArpObserver', () => {
  it('binds the sender of a request, not its target', () => {
    const { observer, neighbours } = rig();
    expect(
      observer.handleFrame('eth0', arpFrame({ senderMac: A, senderIp: '10.0.0.5', targetIp: '10.0.0.1' }), 0),
    ).toBe(true);
    expect(neighbours()).toEqual(['new 10.0.0.5 52:54:00:00:00:0a']);
  });

  it('binds sender and target of a reply', () => {
    const { observer, neighbours } = rig();
    observer.handleFrame(
      'eth0',
      arpFrame({ op: 'reply', senderMac: GW, senderIp: '10.0.0.1', targetMac: A, targetIp: '10.0.0.5' }),
      0,
    );
    expect(neighbours()).toEqual(['new 10.0.0.1 52:54:00:00:00:01', 'new 10.0.0.5 52:54:00:00:00:0a']);
  });

  it('takes no binding from a probe (sender 0.0.0.0) and counts it', () => {
    const { observer, events } = rig();
    observer.handleFrame('eth0', arpFrame({ senderMac: A, senderIp: '0.0.0.0', targetIp: '10.0.0.5' }), 0);
    expect(events).toEqual([]);
    expect(observer.counters.probes).toBe(1);
  });

  it('reports moved with the previous MAC, and refreshed at most once per interval', () => {
    const { observer, neighbours } = rig({ refreshMs: 1000 });
    const from = (mac: string, t: number) =>
      observer.handleFrame('eth0', arpFrame({ senderMac: mac, senderIp: '10.0.0.5', targetIp: '10.0.0.1' }), t);
    from(A, 0);
    from(A, 500);
    from(A, 999);
    from(A, 1000);
    from(A, 1500);
    from(B, 5000);
    expect(neighbours()).toEqual([
      'new 10.0.0.5 52:54:00:00:00:0a',
      'refreshed 10.0.0.5 52:54:00:00:00:0a',
      'moved 10.0.0.5 52:54:00:00:00:0b was 52:54:00:00:00:0a',
    ]);
  });

  it('keys bindings by VLAN: the same IP on two tags is two bindings', () => {
    const { observer, neighbours, events } = rig();
    observer.handleFrame('eth0', arpFrame({ senderMac: A, senderIp: '10.0.0.5', targetIp: '10.0.0.1', vid: 10 }), 0);
    observer.handleFrame('eth0', arpFrame({ senderMac: B, senderIp: '10.0.0.5', targetIp: '10.0.0.1', vid: 20 }), 0);
    expect(neighbours()).toEqual(['new 10.0.0.5 52:54:00:00:00:0a', 'new 10.0.0.5 52:54:00:00:00:0b']);
    expect(events.map((e) => (e.kind === 'neighbour' ? e.vid : undefined))).toEqual([10, 20]);
  });

  it('two MACs within the window are a conflict; after the window a move is not', () => {
    const { observer, events } = rig({ refreshMs: 1000 });
    const from = (mac: string, t: number) =>
      observer.handleFrame('eth0', arpFrame({ senderMac: mac, senderIp: '10.0.0.5', targetIp: '10.0.0.1' }), t);
    from(A, 0);
    from(B, 3000);
    expect(events.filter((e) => e.kind === 'ip-conflict')).toEqual([]);
    from(A, 3200);
    const conflicts = events.filter((e) => e.kind === 'ip-conflict');
    expect(conflicts).toEqual([
      { kind: 'ip-conflict', interface: 'eth0', ip: '10.0.0.5', macs: [A, B], reason: 'two-macs', time: 3200 },
    ]);
  });

  it('a claim on a reserved IP by another MAC is a conflict, once', () => {
    const { observer, events } = rig({ reserved: { '10.0.0.50': A } });
    observer.handleFrame('eth0', arpFrame({ senderMac: A, senderIp: '10.0.0.50', targetIp: '10.0.0.1' }), 0);
    expect(events.some((e) => e.kind === 'ip-conflict')).toBe(false);
    observer.handleFrame(
      'eth0',
      arpFrame({ op: 'reply', senderMac: B, senderIp: '10.0.0.50', targetMac: GW, targetIp: '10.0.0.1' }),
      5000,
    );
    observer.handleFrame(
      'eth0',
      arpFrame({ op: 'reply', senderMac: B, senderIp: '10.0.0.50', targetMac: GW, targetIp: '10.0.0.1' }),
      5100,
    );
    const conflicts = events.filter((e) => e.kind === 'ip-conflict');
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ ip: '10.0.0.50', macs: [B, A], reason: 'reserved-ip' });
  });

  it('stays bounded under a storm of distinct addresses, counting evictions', () => {
    const { observer, table } = rig({ max: 1000 });
    for (let i = 0; i < 20_000; i++) {
      const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      observer.handleFrame('eth0', arpFrame({ senderMac: A, senderIp: ip, targetIp: '10.255.255.254' }), i);
    }
    expect(table.size).toBe(1000);
    expect(table.evicted).toBe(19_000);
    // The most recent survive.
    expect(table.get('eth0', undefined, '10.0.78.31')?.mac).toBe(A);
    expect(table.get('eth0', undefined, '10.0.0.1')).toBeUndefined();
  });

  it('passes non-ARP frames through and counts malformed ARP', () => {
    const { observer } = rig();
    const ipv4 = Buffer.alloc(60);
    ipv4.writeUInt16BE(0x0800, 12);
    expect(observer.handleFrame('eth0', ipv4, 0)).toBe(false);
    const bad = arpFrame({ senderMac: A, senderIp: '10.0.0.5', targetIp: '10.0.0.1' });
    bad.writeUInt16BE(6, 14);
    expect(observer.handleFrame('eth0', bad, 0)).toBe(true);
    expect(observer.counters.decodeErrors).toBe(1);
  });
});
