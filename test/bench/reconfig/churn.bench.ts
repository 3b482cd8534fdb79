// DHCP while the region streams deltas into a large rack (PROTOCOL.md §4.3–§4.4):
// perfdhcp load as a relay (RFC 2131 §4.1) first alone, then while the bench publishes deltas to a stream no rack
// reads (its own CPU cost), then while put-reservation deltas reach rackd at a steady rate, long enough that rackd
// rewrites its state base (every 10,000 deltas) and folds its overlay in the middle of it.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RegionClient } from '../../../protocol/region/index.js';
import { startRackd } from '../../integration/lab/rackd.js';
import type { LogLine, RackdHandle } from '../../integration/lab/rackd.js';
import { SECRET_TEXT, writeSecretFile } from '../../integration/lab/region-rig.js';
import { MAX_RESERVATIONS, RACKD_BENCH_CONFIG, RELAY_IP, SERVER_IP, SUBNET, ipOf, macOf } from '../dhcp4/workload.js';
import { CLIENT_IF, SERVER_IF, createReconfigLab } from './lab.js';
import type { ReconfigLab } from './lab.js';
import { BackgroundLoad } from './load.js';
import type { LoadSummary } from './load.js';
import { latencyRow } from './report.js';
import { UnixRedis } from './unix-redis.js';

const env = process.env;
/** Reservations served before the deltas start: the base write and the fold are O(this). */
const BASE = Number(env.BENCH_CHURN_BASE ?? 1_000_000);
const DELTAS = Number(env.BENCH_CHURN_DELTAS ?? 25_000);
const DELTA_RATE = Number(env.BENCH_CHURN_RATE ?? 1000);
const LOAD_RATE = Number(env.BENCH_CHURN_LOAD ?? 6000);
/** perfdhcp cycles through this many of the base's MACs. */
const LOAD_MACS = Math.min(BASE, Number(env.BENCH_CHURN_LOAD_MACS ?? 10_000));
const BASELINE_RUNS = Number(env.BENCH_CHURN_BASELINE_RUNS ?? 3);
const CHUNK_S = 5;
const RACK = 'rack-churn';
const PREFIX = 'churn';
/** A stream no rack reads: the same publishing work on this machine, with nothing for rackd to do. */
const CONTROL_PREFIX = 'churn-control';

let bench: ReconfigLab;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  if (BASE + DELTAS > MAX_RESERVATIONS)
    throw new Error(
      `BENCH_CHURN_BASE + BENCH_CHURN_DELTAS must stay within ${MAX_RESERVATIONS} (the /12 bench subnet)`,
    );
  bench = await createReconfigLab();
});

afterAll(async () => {
  await bench?.lab.destroy();
});

function latencyLine(values: readonly number[]): string {
  const [, count, p50, p90, p99, max] = latencyRow('', values);
  return `n ${count}, p50 ${p50}, p90 ${p90}, p99 ${p99}, max ${max}`;
}

function loadRow(what: string, load: LoadSummary): string {
  const delays =
    `${load.offerAvgMs.toFixed(2)}/${load.offerMaxMs.toFixed(1)}`.padStart(13) +
    `${load.ackAvgMs.toFixed(2)}/${load.ackMaxMs.toFixed(1)}`.padStart(13);
  return (
    `${what.padEnd(34)} ${String(load.runs).padStart(4)} ${String(load.discovers).padStart(9)} ` +
    `${String(load.acks).padStart(9)} ${load.dropPct.toFixed(3).padStart(7)}% ${delays}`
  );
}

/**
 * Publishes DELTAS new reservations, paced by schedule (publish i at start + i/rate, at once when behind). The
 * publisher shares the two CPUs with rackd and perfdhcp, so the control window runs it against a stream nobody reads.
 */
async function publishDeltas(region: RegionClient): Promise<{ xaddMs: Map<number, number>; elapsedMs: number }> {
  const xaddMs = new Map<number, number>();
  const start = Date.now();
  for (let i = 0; i < DELTAS; i++) {
    const wait = start + (i * 1000) / DELTA_RATE - Date.now();
    if (wait > 1) await sleep(wait);
    const result = await region.putReservation({ mac: macOf(BASE + i), ip: ipOf(BASE + i) });
    xaddMs.set(result.revision, Number(result.entryId.split('-')[0]));
  }
  return { xaddMs, elapsedMs: Date.now() - start };
}

it(
  `rackd in region mode on ${BASE} reservations: perfdhcp ${LOAD_RATE}/s alone, then with ${DELTAS} deltas ` +
    `at ${DELTA_RATE}/s`,
  async () => {
    const redisServer = await UnixRedis.start();
    const redis = new Redis({ path: redisServer.socketPath });
    const region = new RegionClient(redis, { secret: Buffer.from(SECRET_TEXT), prefix: PREFIX });
    const control = new RegionClient(redis, { secret: Buffer.from(SECRET_TEXT), prefix: CONTROL_PREFIX });
    let rack: RackdHandle | undefined;
    let load: BackgroundLoad | undefined;
    try {
      const macList = join(bench.dir, 'churn-macs.txt');
      writeFileSync(macList, `${Array.from({ length: LOAD_MACS }, (_, i) => macOf(i)).join('\n')}\n`);
      const reservations = Array.from({ length: BASE }, (_, i) => ({ mac: macOf(i), ip: ipOf(i) }));
      const snapshot = await region.publishSnapshot({
        subnets: [{ cidr: SUBNET, gateway: RELAY_IP, lease_time: 3600 }],
        reservations,
      });
      await control.publishSnapshot({
        subnets: [{ cidr: SUBNET, gateway: RELAY_IP, lease_time: 3600 }],
        reservations: [],
      });
      const config = join(bench.dir, 'rackd.yaml');
      writeFileSync(config, RACKD_BENCH_CONFIG);
      rack = await startRackd(bench.lab, bench.srv, {
        ipamYaml: 'subnets: []\nreservations: []\n',
        interfaces: [SERVER_IF],
        readyTimeoutMs: 180_000,
        extraArgs: [
          '--config',
          config,
          '--redis',
          redisServer.url,
          '--rack-id',
          RACK,
          '--secret-file',
          writeSecretFile(bench.lab.tempDir('secret')),
          '--prefix',
          PREFIX,
          '--log-level',
          'info',
        ],
      });
      const rackd = rack;
      await rackd.waitForEvent('region.sync.applied', (l) => l.revision === snapshot.revision, 180_000);
      await rackd.waitForEvent('region.status', (l) => l.to === 'live', 60_000);
      // The snapshot's own base write must be behind us, or the baseline would include it.
      await rackd.waitForEvent('region.state.base-written', (l) => l.revision === snapshot.revision, 120_000);

      load = BackgroundLoad.start(bench.lab, bench.cli, {
        iface: CLIENT_IF,
        server: SERVER_IP,
        macList,
        rate: LOAD_RATE,
        chunkS: CHUNK_S,
      });
      await load.waitForRuns(1); // warm-up
      const baselineFrom = load.endOfRun(0);
      await load.waitForRuns(1 + BASELINE_RUNS);
      const controlFrom = Date.now();
      const controlled = await publishDeltas(control);
      const churnFrom = Date.now();
      const { xaddMs, elapsedMs } = await publishDeltas(region);
      const churnTo = Date.now();
      const last = Math.max(...xaddMs.keys());
      await rackd.waitForEvent('region.sync.applied', (l) => Number(l.revision) >= last, 60_000);
      const summary = await load.stop(0);
      const baseline = load.within(baselineFrom, controlFrom);
      const controlLoad = load.within(controlFrom, churnFrom);
      const churn = load.overlapping(churnFrom, churnTo);

      const appliedAt = new Map(rackd.events('region.sync.applied').map((l) => [Number(l.revision), Number(l.time)]));
      const latencies = [...xaddMs]
        .map(([revision, at]) => (appliedAt.get(revision) ?? NaN) - at)
        .filter(Number.isFinite);
      const inWindow = (l: LogLine) => Number(l.time) >= churnFrom && Number(l.time) <= churnTo + 60_000;
      const writes = rackd.events('region.state.base-written').filter(inWindow);
      const folds = rackd.events('region.sync.folded').filter(inWindow);
      console.log(
        [
          '',
          `DHCP under a delta stream: ${BASE} reservations in region mode, perfdhcp ${LOAD_RATE}/s over ` +
            `${LOAD_MACS} of them in ${CHUNK_S} s runs, ${new Date().toISOString()}`,
          `${'window'.padEnd(34)} runs DISCOVERs      ACKs    drops OFFER avg/max  ACK avg/max (ms)`,
          loadRow(`load alone (${BASELINE_RUNS} runs)`, baseline),
          loadRow(`deltas to no rack (${(controlled.elapsedMs / 1000).toFixed(1)} s)`, controlLoad),
          loadRow(`with ${DELTAS} deltas (${(elapsedMs / 1000).toFixed(1)} s)`, churn),
          loadRow('every run, warm-up included', summary),
          `deltas: ${DELTAS} at ${((DELTAS * 1000) / elapsedMs).toFixed(0)}/s; XADD→region.sync.applied ms: ` +
            `${latencyLine(latencies)}`,
          `base writes during the deltas: ` +
            (writes.map((w) => `revision ${w.revision} ${w.reservations} reservations ${w.ms} ms`).join('; ') ||
              'none'),
          `overlay folds during the deltas: ` +
            `${folds.map((f) => `${f.reservations} reservations ${f.ms} ms`).join('; ') || 'none'}`,
          '',
        ].join('\n'),
      );
      // Without a base write and a fold inside the window this bench has not measured what it says.
      expect(writes.length).toBeGreaterThan(0);
      expect(folds.length).toBeGreaterThan(0);
      expect(latencies.length).toBe(DELTAS);
    } finally {
      await load?.stop(0).catch(() => undefined);
      await rack?.stop();
      region.close();
      control.close();
      redis.disconnect();
      await redisServer.stop();
    }
  },
);
