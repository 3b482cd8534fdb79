// Reconfiguration under load (PROTOCOL.md §4.3–§4.4, RFC 2131 §4.1 relay path): a reservation
// published by the region → the first DHCPACK carrying it, rackd in region mode vs kea-dhcp4 `config-set`.

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RegionClient } from '../../../protocol/region/index.js';
import { startRackd } from '../../integration/lab/rackd.js';
import type { RackdHandle } from '../../integration/lab/rackd.js';
import { SECRET_TEXT, writeSecretFile } from '../../integration/lab/region-rig.js';
import { RACKD_BENCH_CONFIG, SERVER_IP, SUBNET, RELAY_IP, ipOf, macOf, writeWorkload } from '../dhcp4/workload.js';
import type { WorkloadFiles } from '../dhcp4/workload.js';
import { keaConfigSet, keaDhcp4Config, spawnKea } from './kea-control.js';
import { CLIENT_IF, PROBE_IP, SERVER_IF, createReconfigLab } from './lab.js';
import type { ReconfigLab } from './lab.js';
import { BackgroundLoad } from './load.js';
import { Probe, wallNow } from './probe-client.js';
import type { ProbeResult } from './probe-client.js';
import { latencyRow, reconfigTable } from './report.js';
import type { ServerRun } from './report.js';
import { UnixRedis } from './unix-redis.js';

const env = process.env;
const MACS = Number(env.BENCH_RECONFIG_MACS ?? 10_000);
const LOAD_RATE = Number(env.BENCH_RECONFIG_LOAD ?? 2000);
const SAMPLES = Number(env.BENCH_RECONFIG_SAMPLES ?? 200);
/** Each Kea sample reloads the whole configuration; fewer keep the run short. */
const KEA_SAMPLES = Number(env.BENCH_RECONFIG_KEA_SAMPLES ?? 50);
const PROBE_INTERVAL_MS = Number(env.BENCH_RECONFIG_PROBE_INTERVAL_MS ?? 1);
/** rackd's log level; debug logs a line per reply, which then costs more than the reply. */
const LOG_LEVEL = env.BENCH_RECONFIG_LOG_LEVEL ?? 'info';
/** A file: one CSV line per sample (times in wall-clock ms), to line latency up with what else happened then. */
const TRACE_FILE = env.BENCH_RECONFIG_TRACE;
const RACK = 'rack-reconfig';
const PREFIX = 'reconfig';

const runs: ServerRun[] = [];
const machine: string[] = [];
const trace: string[] = ['server,sample,t0,published_or_answered,applied,ack'];
let bench: ReconfigLab;
let work: WorkloadFiles;
let probe: Probe;
let xid = 0x7ec0_0000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  machine.push(`start: ${machineNote()}`);
  bench = await createReconfigLab();
  work = writeWorkload(bench.dir, MACS, SERVER_IF);
  probe = await Probe.start(bench.lab, bench.cli, PROBE_IP, SERVER_IP);
});

/** Other labs' namespaces and the load average: a bench running beside this one (no lock) shows up here. */
function machineNote(): string {
  const foreign = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((name) => name !== '' && !name.startsWith('rkc-'));
  return (
    `load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}, other namespaces: ` +
    `${foreign.join(' ') || 'none'}`
  );
}

afterAll(async () => {
  machine.push(`end: ${machineNote()}`);
  console.log(
    reconfigTable(
      runs,
      `${MACS} reservations, perfdhcp ${LOAD_RATE}/s, probe DISCOVER every ${PROBE_INTERVAL_MS} ms, ` +
        `${new Date().toISOString()}`,
    ),
  );
  console.log(machine.map((m) => `  machine ${m}`).join('\n'));
  if (TRACE_FILE !== undefined) writeFileSync(TRACE_FILE, `${trace.join('\n')}\n`);
  await probe?.close();
  await bench?.lab.destroy();
});

/** Probes a MAC that is already served until an ACK comes: the server answers, and the probe path works. */
async function waitUntilServing(what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const result = await (await probe.begin(macOf(0), xid++, 50, 2000)).outcome;
    if (result.event === 'ack') return;
  }
  throw new Error(`${what} did not ACK a reserved MAC within ${timeoutMs} ms`);
}

/** The ACK must carry the published address; anything else is a failed sample (kept in the notes), not a latency. */
function ackedAt(run: ServerRun, result: ProbeResult, ip: string): number | undefined {
  if (result.event === 'ack' && result.ip === ip) return result.ackAt;
  run.failed++;
  if (run.failed <= 3) run.notes.push(`failed sample: ${JSON.stringify({ ...result, expected: ip })}`);
  return undefined;
}

function loadNote(run: ServerRun): string {
  const load = run.load;
  if (load === undefined) return 'no load figures';
  return (
    `perfdhcp during measurement: ${load.discovers} DISCOVERs, ${load.acks} ACKs, avg OFFER ` +
    `${load.offerAvgMs.toFixed(2)} ms, avg ACK ${load.ackAvgMs.toFixed(2)} ms`
  );
}

/** Load first, one warm-up run of it, then `measure` while it runs; the drops of the overlapping runs are kept. */
async function underLoad(run: ServerRun, measure: () => Promise<void>): Promise<void> {
  const load = BackgroundLoad.start(bench.lab, bench.cli, {
    iface: CLIENT_IF,
    server: SERVER_IP,
    macList: work.macList,
    rate: LOAD_RATE,
  });
  try {
    await load.waitForRuns(1);
    const from = Date.now();
    await measure();
    run.load = await load.stop(from);
    machine.push(`after ${run.server}: ${machineNote()}`);
  } finally {
    await load.stop(0).catch(() => undefined);
  }
}

it(`rackd in region mode: put-reservation → first ACK, ${SAMPLES} samples under perfdhcp load`, async () => {
  const run: ServerRun = {
    server: 'rackd (region put-reservation)',
    latencies: [],
    failed: 0,
    load: undefined,
    notes: [],
  };
  runs.push(run);
  // Redis on a unix socket rackd opens directly: NsRedisBridge would put the bench's own event loop (busy with
  // rackd's log lines and the probe) between Redis and rackd, and it was measured adding up to 1.8 s.
  const redisServer = await UnixRedis.start();
  const redis = new Redis({ path: redisServer.socketPath });
  const region = new RegionClient(redis, { secret: Buffer.from(SECRET_TEXT), prefix: PREFIX });
  let rackd: RackdHandle | undefined;
  try {
    const reservations = Array.from({ length: MACS }, (_, i) => ({ mac: macOf(i), ip: ipOf(i) }));
    const snapshot = await region.publishSnapshot({
      subnets: [{ cidr: SUBNET, gateway: RELAY_IP, lease_time: 3600 }],
      reservations,
    });
    const config = join(bench.dir, 'rackd.yaml');
    writeFileSync(config, RACKD_BENCH_CONFIG);
    rackd = await startRackd(bench.lab, bench.srv, {
      ipamYaml: 'subnets: []\nreservations: []\n',
      interfaces: [SERVER_IF],
      readyTimeoutMs: 120_000,
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
        LOG_LEVEL,
      ],
    });
    const rack = rackd;
    await rack.waitForEvent('region.sync.applied', (l) => l.revision === snapshot.revision, 120_000);
    await rack.waitForEvent('region.status', (l) => l.to === 'live', 60_000);
    await waitUntilServing('rackd', 30_000);

    const published = new Map<number, { k: number; t0: number; xaddAt: number; ackAt: number }>();
    await underLoad(run, async () => {
      for (let k = 0; k < SAMPLES; k++) {
        const mac = macOf(MACS + k);
        const ip = ipOf(MACS + k);
        const { outcome } = await probe.begin(mac, xid++, PROBE_INTERVAL_MS, 10_000);
        const t0 = wallNow();
        const result = await region.putReservation({ mac, ip });
        const ackAt = ackedAt(run, await outcome, ip);
        if (ackAt === undefined) continue;
        run.latencies.push(ackAt - t0);
        published.set(result.revision, { k, t0, xaddAt: Number(result.entryId.split('-')[0]), ackAt });
        await sleep(10 + Math.random() * 20);
      }
    });
    // Read once at the end: scanning rackd's growing log per sample would load the bench, not rackd.
    const appliedAt = new Map(rack.events('region.sync.applied').map((l) => [Number(l.revision), Number(l.time)]));
    const applied = [...published]
      .map(([revision, p]) => (appliedAt.get(revision) ?? NaN) - p.t0)
      .filter(Number.isFinite);
    for (const [revision, p] of published)
      trace.push(`rackd,${p.k},${p.t0.toFixed(2)},${p.xaddAt},${appliedAt.get(revision) ?? ''},${p.ackAt.toFixed(2)}`);
    const xaddToAck = [...published.values()].map((p) => p.ackAt - p.xaddAt);
    run.notes.push(
      't0 = wall clock (performance.timeOrigin + now()) just before RegionClient.putReservation (its GETs + ' +
        'EVAL/XADD included)',
    );
    run.notes.push(`breakdown ${latencyRow('t0→region.sync.applied (rackd log, ms)', applied).join(' ')}`);
    run.notes.push(`cross-check ${latencyRow('XADD id ms (Redis clock)→ACK', xaddToAck).join(' ')}`);
    run.notes.push(loadNote(run));
  } finally {
    await rackd?.stop();
    region.close();
    redis.disconnect();
    await redisServer.stop();
  }
  expect(run.latencies.length).toBeGreaterThan(0);
});

it(
  `kea-dhcp4 config-set with ${MACS}+1 reservations → first ACK, ${KEA_SAMPLES} samples under the same ` + `load`,
  async () => {
    const run: ServerRun = {
      server: 'kea-dhcp4 2.2 (config-set)',
      latencies: [],
      failed: 0,
      load: undefined,
      notes: [],
    };
    runs.push(run);
    const socketPath = join(bench.dir, 'kea-ctrl.sock');
    const kea = spawnKea(bench.lab, bench.srv, bench.dir, keaDhcp4Config(MACS, [], SERVER_IF, socketPath));
    const output: string[] = [];
    kea.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
    kea.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
    try {
      await waitUntilServing('kea-dhcp4', 60_000).catch((err: Error) => {
        throw new Error(`${err.message}; its output:\n${output.join('').slice(-3000)}`);
      });
      const answered: number[] = [];
      await underLoad(run, async () => {
        for (let k = 0; k < KEA_SAMPLES; k++) {
          const mac = macOf(MACS + k);
          const ip = ipOf(MACS + k);
          // Built before t0: a region would have it ready too; only Kea's own work is measured.
          const config = keaDhcp4Config(MACS, [MACS + k], SERVER_IF, socketPath);
          const { outcome } = await probe.begin(mac, xid++, PROBE_INTERVAL_MS, 30_000);
          const t0 = wallNow();
          const answer = await keaConfigSet(socketPath, config);
          const answeredAt = wallNow();
          answered.push(answeredAt - t0);
          if (answer.result !== 0) throw new Error(`kea config-set failed (${answer.result}): ${answer.text}`);
          const ackAt = ackedAt(run, await outcome, ip);
          if (ackAt !== undefined) run.latencies.push(ackAt - t0);
          trace.push(`kea,${k},${t0.toFixed(2)},${answeredAt.toFixed(2)},,${ackAt?.toFixed(2) ?? ''}`);
          await sleep(10 + Math.random() * 20);
        }
      });
      run.notes.push(
        't0 = wall clock (performance.timeOrigin + now()) just before config-set is written to the control socket',
      );
      run.notes.push(`breakdown ${latencyRow('send→config-set answer', answered).join(' ')}`);
      run.notes.push(loadNote(run));
    } finally {
      const exited = new Promise((r) => kea.once('exit', r));
      if (kea.exitCode === null && kea.signalCode === null) {
        kea.kill('SIGTERM');
        const timer = setTimeout(() => kea.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    }
    expect(run.latencies.length).toBeGreaterThan(0);
  },
);
