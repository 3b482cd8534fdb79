// rackctl's printed text: publish lines, problem lists, the racks table and event lines are what operators and
// scripts read, so their shape is pinned here.

import { describe, expect, it } from 'vitest';
import {
  formatDelivered,
  formatProblems,
  formatPublished,
  formatRacksTable,
  publishedAt,
  racksJson,
} from '../../../../../agent/cli/rackctl/format.js';
import type { RackInfo } from '../../../../../protocol/region/region-client.js';

const NOW = 1_700_000_100_000;

describe('rackctl output', () => {
  it('prints one line per publish, and suggests a snapshot once the stream is long', () => {
    const result = { epoch: 'e1', revision: 7, entryId: '1700000000123-0', streamLength: 3 };
    expect(formatPublished('put-reservation x', result)).toEqual([
      'published revision 7 (put-reservation x): epoch e1, entry 1700000000123-0',
    ]);
    const long = formatPublished('d', { ...result, streamLength: 10_001 });
    expect(long).toHaveLength(2);
    expect(long[1]).toMatch(/10001 entries; publish a snapshot/);
    expect(publishedAt(result.entryId)).toBe(1_700_000_000_123);
  });

  it('lists every problem and says nothing was published', () => {
    const lines = formatProblems(
      [
        { path: 'reservations[0].ip', message: 'not an IPv4 address' },
        { path: 'subnets[1].cidr', message: 'x' },
      ],
      'ipam.yaml',
    );
    expect(lines).toEqual([
      'reservations[0].ip: not an IPv4 address',
      'subnets[1].cidr: x',
      'ipam.yaml: 2 problems; nothing was published',
    ]);
    expect(formatProblems([{ path: 'a', message: 'b' }], 'f').at(-1)).toBe('f: 1 problem; nothing was published');
  });

  it('tables racks: live, offline, and a status hash that was refused', () => {
    const racks: RackInfo[] = [
      {
        rack: 'rack-a',
        lastSeen: NOW - 4_000,
        online: true,
        status: {
          rack: 'rack-a',
          state: 'live',
          revision: 42,
          version: '0.1.0',
          started: 1_700_000_000_000,
          time: NOW - 4_000,
        },
      },
      { rack: 'rack-long-name', lastSeen: NOW - 7_200_000, online: false },
      { rack: 'rack-c', lastSeen: NOW - 90_000, online: true, problem: 'sig: signature does not verify' },
    ];
    expect(formatRacksTable(racks, NOW)).toEqual([
      'RACK            STATE           REVISION  VERSION  UP SINCE                  LAST SEEN',
      'rack-a          live            42        0.1.0    2023-11-14T22:13:20.000Z  4s ago',
      'rack-long-name  offline         -         -        -                         2h ago',
      'rack-c          invalid-status  -         -        -                         2m ago',
      'rack-c: status refused: sig: signature does not verify',
    ]);
    expect(formatRacksTable([], NOW)).toEqual(['no racks have sent a heartbeat under this prefix']);
    expect(JSON.parse(racksJson(racks))[1]).toEqual({
      rack: 'rack-long-name',
      online: false,
      last_seen: NOW - 7_200_000,
    });
  });

  it('prints events as JSON lines and refusals, skips and duplicates on stderr', () => {
    const event = {
      type: 'neighbour' as const,
      key: 'k1',
      rack: 'r1',
      time: NOW,
      interface: 'eth0',
      mac: '52:54:00:00:00:01',
      ip: '10.0.0.1',
    };
    const { out, err } = formatDelivered({
      id: '1-0',
      rack: 'r1',
      events: [event],
      duplicates: 2,
      skipped: [{ index: 1, field: 'events[1].mac', message: 'bad mac' }],
    });
    expect(out.map((line) => JSON.parse(line))).toEqual([{ entry: '1-0', ...event }]);
    expect(err).toEqual([
      'entry 1-0 from r1: event skipped at events[1].mac: bad mac',
      'entry 1-0: 2 duplicate events (idempotency key already delivered) dropped',
    ]);
    const refused = formatDelivered({
      id: '2-0',
      events: [],
      duplicates: 0,
      skipped: [],
      refused: { ok: false, kind: 'bad-signature', field: 'sig', message: 'no' },
    });
    expect(refused).toEqual({ out: [], err: ['entry 2-0 refused (bad-signature) at sig: no'] });
  });
});
