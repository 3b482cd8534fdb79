// Region sync benchmark (PROTOCOL.md §4.3–§5.4): publish-to-served latency at 1,000 deltas/s, loading a
// 1,000,000-reservation snapshot (time, peak RSS), event throughput to the region. Prints a table; asserts nothing.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, it } from 'vitest';
import { Redis } from 'ioredis';
import { RedisServer } from '../helpers/redis-server.js';
import { RegionClient } from '../../protocol/region/index.js';
import type { RackEvent } from '../../protocol/region/index.js';
import type { Reservation } from '../../protocol/ipam/types.js';
import { createDirectLab, CLIENT_IF, SERVER_IF } from '../integration/lab/topology.js';
import type { DirectLab } from '../integration/lab/topology.js';
import { startRackd } from '../integration/lab/rackd.js';
import type { LogLine, RackdHandle } from '../integration/lab/rackd.js';
import {
  NsRedisBridge,
  SECRET_TEXT,
  percentile,
  sendDiscovers,
  writeSecretFile,
} from '../integration/lab/region-rig.js';

const RACK = 'rack-bench';
const PREFIX = 'bench';
const SUBNET = { cidr: '10.20.0.0/24', gateway: '10.20.0.1' };
const BIG_SUBNET = { cidr: '10.128.0.0/12' };
const DELTAS = Number(process.env.BENCH_DELTAS ?? 10_000);
const DELTA_RATE = Number(process.env.BENCH_DELTA_RATE ?? 1000);
/** Reservations already served when the deltas start: with a large base, compaction and folds are O(base). */
const DELTA_BASE = Number(process.env.BENCH_DELTA_BASE ?? 0);
const SNAPSHOT_SIZE = Number(process.env.BENCH_SNAPSHOT ?? 1_000_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);

const rows: [string, string, string][] = [];
let server: RedisServer;
let env: DirectLab;
let bridge: NsRedisBridge;
let rackd: RackdHandle | undefined;
let redis: Redis;
let region: RegionClient;
let secretFile: string;
let stateDir: string;
let configFile: string;

/** Peak and current resident set of a process, from /proc (VmHWM is the kernel's high-water mark). */
function memoryOf(pid: number): { peakMb: number; rssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { peakMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
}

const ms = (n: number) => `${n.toFixed(0)} ms`;
const timeOf = (line: LogLine) => Number(line.time);

async function startRack(): Promise<RackdHandle> {
  rackd = await startRackd(env.lab, env.srv, {
    ipamYaml: 'subnets: []\nreservations: []\n',
    interfaces: [SERVER_IF],
    readyTimeoutMs: 120_000,
    extraArgs: [
      '--config',
      configFile,
      '--redis',
      server.url,
      '--rack-id',
      RACK,
      '--secret-file',
      secretFile,
      '--prefix',
      PREFIX,
      '--state-dir',
      stateDir,
      '--log-level',
      'debug',
    ],
  });
  return rackd;
}

function bigReservation(i: number): Reservation {
  const n = i + 256;
  const hex = (b: number) => b.toString(16).padStart(2, '0');
  return {
    mac: `52:55:00:${hex((n >> 16) & 0xff)}:${hex((n >> 8) & 0xff)}:${hex(n & 0xff)}`,
    ip: `10.${128 + (n >> 16)}.${(n >> 8) & 0xff}.${n & 0xff}`,
  };
}

beforeAll(async () => {
  server = await RedisServer.start();
  env = await createDirectLab('rkrb');
  bridge = await NsRedisBridge.start(env.lab, env.srv, server.port);
  secretFile = writeSecretFile(env.lab.tempDir('secret'));
  stateDir = env.lab.tempDir('state');
  // The event bench sends 20,000 DISCOVERs from new MACs as fast as scapy can: with the default flood limit
  // (1,000/s for clients without a reservation) most would be dropped before they raise an event, and the
  // bench would measure the limiter rather than the event path.
  configFile = join(env.lab.tempDir('conf'), 'rackd.yaml');
  writeFileSync(configFile, JSON.stringify({ rate_limit: { global: { rate: 1_000_000, burst: 1_000_000 } } }));
  redis = new Redis(server.url);
  region = new RegionClient(redis, { secret: Buffer.from(SECRET_TEXT), prefix: PREFIX });
});

afterAll(async () => {
  console.log(['', 'region sync benchmark', ...table()].join('\n'));
  await rackd?.stop();
  region?.close();
  redis?.disconnect();
  await bridge?.close();
  await env?.lab.destroy();
  await server?.stop();
});

function table(): string[] {
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] ?? '').length), 8));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  '));
}

it(`publish-to-served latency at a steady delta rate, on ${DELTA_BASE} reservations`, async () => {
  // The base takes the addresses after the deltas'.
  await region.publishSnapshot({
    subnets: [SUBNET, BIG_SUBNET],
    reservations: Array.from({ length: DELTA_BASE }, (_, i) => bigReservation(DELTAS + i)),
  });
  const rack = await startRack();
  await rack.waitForEvent('region.status', (l) => l.to === 'live', 120_000);
  // Paced by schedule, not by sleep: publish i goes out at start + i/rate, or at once when behind.
  const published = new Map<number, number>();
  const start = Date.now();
  for (let i = 0; i < DELTAS; i++) {
    const due = start + (i * 1000) / DELTA_RATE;
    const wait = due - Date.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const result = await region.putReservation(bigReservation(i));
    published.set(result.revision, Number(result.entryId.split('-')[0]));
  }
  const elapsed = Date.now() - start;
  const last = Math.max(...published.keys());
  await rack.waitForEvent('region.sync.applied', (l) => l.revision === last, 60_000);
  const latencies = rack
    .events('region.sync.applied')
    .filter((l) => published.has(Number(l.revision)))
    .map((l) => timeOf(l) - (published.get(Number(l.revision)) ?? NaN))
    .sort((a, b) => a - b);
  const rate = (DELTAS * 1000) / elapsed;
  rows.push(['metric', 'value', 'how measured']);
  rows.push([
    `deltas published`,
    `${DELTAS} at ${rate.toFixed(0)}/s`,
    `target ${DELTA_RATE}/s, one RegionClient, sequential compare-and-set`,
  ]);
  rows.push([
    'publish→applied p50',
    ms(percentile(latencies, 50)),
    'XADD time (stream id, Redis clock) → rackd region.sync.applied log time',
  ]);
  rows.push(['publish→applied p99', ms(percentile(latencies, 99)), `same host clock; ${latencies.length} samples`]);
  rows.push(['publish→applied max', ms(latencies.at(-1) ?? NaN), `on ${DELTA_BASE} reservations already served`]);
});

/** The rack the snapshot bench loads into: the one already running, or (run alone with -t) a fresh live one. */
async function liveRackForSnapshot(): Promise<RackdHandle> {
  if (rackd !== undefined) return rackd;
  await region.publishSnapshot({ subnets: [SUBNET, BIG_SUBNET], reservations: [] });
  const rack = await startRack();
  await rack.waitForEvent('region.status', (l) => l.to === 'live', 30_000);
  return rack;
}

it('loads a large snapshot: time and peak RSS, live and from the state dir', async () => {
  const rack = await liveRackForSnapshot();
  const before = memoryOf(rack.pid);
  const reservations = Array.from({ length: SNAPSHOT_SIZE }, (_, i) => bigReservation(i));
  const publishStart = Date.now();
  const result = await region.publishSnapshot({ subnets: [SUBNET, BIG_SUBNET], reservations });
  const publishMs = Date.now() - publishStart;
  const headAt = Number(result.entryId.split('-')[0]);
  let peak = before.peakMb;
  const sampler = setInterval(() => (peak = Math.max(peak, memoryOf(rack.pid).peakMb)), 100);
  const applied = await rack.waitForEvent('region.sync.applied', (l) => l.revision === result.revision, 300_000);
  clearInterval(sampler);
  const after = memoryOf(rack.pid);
  rows.push([
    `snapshot publish (${SNAPSHOT_SIZE})`,
    ms(publishMs),
    'rackctl/RegionClient side: validate, chunk, RPUSH body, publish head',
  ]);
  rows.push([
    'snapshot head→applied',
    ms(timeOf(applied) - headAt),
    'rack: XREAD head, LRANGE body, digests, validate, swap index',
  ]);
  rows.push(['rackd RSS before/after', `${before.rssMb.toFixed(0)} / ${after.rssMb.toFixed(0)} MB`, 'VmRSS']);
  rows.push([
    'rackd peak RSS',
    `${Math.max(peak, after.peakMb).toFixed(0)} MB`,
    'VmHWM (kernel high-water mark) of the rackd process',
  ]);

  // Restart from the state dir with Redis unreachable: what a rack does after a reboot during an outage.
  await new Promise((r) => setTimeout(r, 3000)); // the applied-state write is debounced
  await rack.stop();
  await bridge.disconnectNamespace();
  const spawnAt = Date.now();
  const restarted = await startRack();
  const loaded = await restarted.waitForEvent('region.state.loaded', () => true, 300_000);
  const ready = restarted.events('rackd.ready')[0];
  const memory = memoryOf(restarted.pid);
  rows.push([
    'state dir load at start',
    ms(timeOf(loaded) - spawnAt),
    `spawn → region.state.loaded (revision ${String(loaded.revision)}, ${String(loaded.reservations)} ` +
      `reservations), Redis unreachable`,
  ]);
  rows.push([
    '  to serving',
    ready === undefined ? 'n/a' : ms(timeOf(ready) - spawnAt),
    'spawn → rackd.ready (every interface open, DHCP answered)',
  ]);
  rows.push([
    '  peak / steady RSS',
    `${memory.peakMb.toFixed(0)} / ${memory.rssMb.toFixed(0)} MB`,
    'VmHWM / VmRSS after loading',
  ]);
  await bridge.connectNamespace();
  await restarted.waitForEvent('region.status', (l) => l.to === 'live', 120_000);
});

it('event throughput to the region: a journal backlog flushed, and consumed through a group', async () => {
  const rack = rackd as RackdHandle;
  // Unknown clients raise one event each; with Redis away they spill to the journal, then flush in one go.
  await bridge.disconnectNamespace();
  await rack.waitForEvent('region.status', (l) => l.from === 'live', 30_000);
  const sendStart = Date.now();
  await sendDiscovers(env.lab, env.cli, CLIENT_IF, { b3: 0xef, start: 0, count: EVENTS }, 0);
  const sendMs = Date.now() - sendStart;
  await new Promise((r) => setTimeout(r, 2000));
  const raised = rack.events('dhcp4.unknown-client').length;
  const from = rack.logs.length;
  const reconnectAt = Date.now();
  await bridge.connectNamespace();
  // Every MAC is new, so each DISCOVER raised one unknown-client event; done when all are flushed or 5 s pass quietly.
  let flushed = 0;
  let lastFlush = reconnectAt;
  // Until all are flushed, or 5 s pass with no more after a first flush, or 60 s with none at all.
  const quietLimit = () => (flushed > 0 ? Date.now() - lastFlush < 5000 : Date.now() - reconnectAt < 60_000);
  while (flushed < EVENTS && quietLimit()) {
    await new Promise((r) => setTimeout(r, 200));
    const lines = rack.logs.slice(from).filter((l) => l.event === 'region.events.flushed');
    flushed = lines.reduce((n, l) => n + Number(l.count ?? 0), 0);
    if (lines.length > 0) lastFlush = timeOf(lines.at(-1) as LogLine);
  }
  const consumeStart = Date.now();
  const seen = new Set<string>();
  for (let empty = 0; empty < 3;) {
    const delivery = await region.consumeEvents({ group: 'region', consumer: 'bench', count: 200, blockMs: 500 });
    delivery.events.forEach((e: RackEvent) => seen.add(e.key));
    empty = delivery.entries.length === 0 ? empty + 1 : 0;
    await delivery.ack();
  }
  const consumeMs = Date.now() - consumeStart - 1500;
  rows.push([
    `DHCPDISCOVERs sent`,
    `${EVENTS} in ${ms(sendMs)}`,
    `scapy from the client namespace; rackd logged ${raised} dhcp4.unknown-client lines`,
  ]);
  rows.push([
    'journal flush to Redis',
    `${flushed} events in ${ms(lastFlush - reconnectAt)}`,
    `${((flushed * 1000) / Math.max(1, lastFlush - reconnectAt)).toFixed(0)} events/s, reconnect → last ` +
      `region.events.flushed`,
  ]);
  rows.push([
    'region consume + dedup',
    `${seen.size} events in ${ms(consumeMs)}`,
    `${((seen.size * 1000) / Math.max(1, consumeMs)).toFixed(0)} events/s, RegionClient.consumeEvents + XACK`,
  ]);
});
