// DHCPv4 benchmark: RFC 2131 §3.1 DORA exchanges from perfdhcp as a relay, Kea and rackd run
// alternately at stepped rates, warm-up excluded, medians of repeats, one table; then scale and a CPU profile.

import { readdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, it } from 'vitest';
import { pinningNote } from './cpu-pinning.js';
import { profileReport } from './cpu-profile.js';
import { runPerfdhcp } from './perfdhcp.js';
import type { PerfdhcpResult } from './perfdhcp.js';
import { comparisonTable, scaleTable, summarize, sustainedInFull } from './report.js';
import type { StepSummary } from './report.js';
import { CLIENT_IF, createBenchLab, rackdCounters, SERVER_IF, startServer } from './servers.js';
import type { BenchLab, ServerKind, StartOptions } from './servers.js';
import { SERVER_IP, writeWorkload } from './workload.js';
import type { WorkloadFiles } from './workload.js';

/** Numbers split on commas or spaces; 0 alone means none. A typo must stop the bench, not run it with no steps. */
function list(text: string): number[] {
  const numbers = text
    .split(/[\s,]+/)
    .filter((s) => s !== '')
    .map(Number);
  if (numbers.some((n) => !Number.isFinite(n) || n < 0))
    throw new Error(`bench knob: not a list of numbers: ${JSON.stringify(text)}`);
  return numbers.filter((n) => n > 0);
}
const knobs = {
  macs: Number(process.env.BENCH_MACS ?? 10_000),
  rates: list(process.env.BENCH_RATES ?? '1000,2000,3000,4000,4500,5000,5500,6000,8000,12000,16000,18000,20000'),
  repeats: Number(process.env.BENCH_REPEATS ?? 3),
  periodS: Number(process.env.BENCH_PERIOD ?? 5),
  warmupS: Number(process.env.BENCH_WARMUP ?? 2),
  scale: list(process.env.BENCH_SCALE ?? '1000,100000,1000000'),
  /**
   * Well under perfdhcp's own ceiling (~19,000/s here), so the client never sets the pace and the cpu column shows
   * what lookups cost at each count; 0: rackd's highest fully sustained step.
   */
  scaleRate: Number(process.env.BENCH_SCALE_RATE ?? 12_000),
  /** '0' skips the profile; 'auto' profiles at rackd's sustained rate; a number profiles at that rate. */
  profile: process.env.BENCH_PROFILE ?? 'auto',
  keaThreads: Number(process.env.BENCH_KEA_THREADS ?? 0),
  /** Which servers the stepped comparison runs: both unless told (one alone is for quick experiments). */
  servers: (process.env.BENCH_SERVERS ?? 'kea,rackd')
    .split(',')
    .filter((s): s is ServerKind => s === 'kea' || s === 'rackd'),
};

let bench: BenchLab;
let work: WorkloadFiles;
const results: Record<ServerKind, StepSummary[]> = { kea: [], rackd: [] };

function note(text: string): void {
  process.stdout.write(`[bench-dhcp4 ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
}

/** User + system CPU time of a process so far, in ms (/proc/PID/stat fields 14 and 15, in clock ticks of 10 ms). */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** One server at one rate: a discarded warm-up run, then the measured repeats. */
async function measure(
  files: WorkloadFiles,
  rate: number,
  pid: number | undefined,
  onMeasuring?: () => void,
): Promise<StepSummary> {
  const run = { iface: CLIENT_IF, server: SERVER_IP, macList: files.macList, rate };
  if (knobs.warmupS > 0) await runPerfdhcp(bench.lab, bench.cli, { ...run, periodS: knobs.warmupS });
  onMeasuring?.();
  const runs: PerfdhcpResult[] = [];
  const cpuBefore = cpuMs(pid);
  for (let i = 0; i < knobs.repeats; i++)
    runs.push(await runPerfdhcp(bench.lab, bench.cli, { ...run, periodS: knobs.periodS }));
  const exchanges = runs.reduce((sum, r) => sum + r.achieved * knobs.periodS, 0);
  return summarize(rate, runs, ((cpuMs(pid) - cpuBefore) * 1000) / exchanges);
}

interface BlockOptions extends StartOptions {
  onMeasuring?: () => void;
}

async function block(
  kind: ServerKind,
  files: WorkloadFiles,
  rate: number,
  opts: BlockOptions = {},
): Promise<StepSummary> {
  const server = await startServer(bench, kind, files, { readyTimeoutMs: 60_000 + files.reservations / 5, ...opts });
  try {
    const step = await measure(files, rate, server.child.pid, opts.onMeasuring);
    note(
      `${kind.padEnd(5)} ${files.reservations} res @ ${rate}/s: ${step.achieved.toFixed(0)}/s, drops ` +
        `${step.dropPct.toFixed(3)}%, OFFER ${step.offerAvgMs.toFixed(2)}/${step.offerMaxMs.toFixed(1)} ms, ` +
        `ACK ${step.ackAvgMs.toFixed(2)}/${step.ackMaxMs.toFixed(1)} ms, ` +
        `CPU ${step.cpuUsPerExchange.toFixed(0)} µs/exchange`,
    );
    if (kind === 'rackd') note(`rackd counters: ${rackdCounters(bench).join('; ') || '(no drops recorded)'}`);
    return step;
  } finally {
    await server.stop();
  }
}

beforeAll(async () => {
  bench = await createBenchLab();
  work = writeWorkload(bench.dir, knobs.macs, SERVER_IF, knobs.keaThreads);
  note(
    `machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; ` +
      `${pinningNote}; knobs ${JSON.stringify(knobs)}`,
  );
});

afterAll(async () => {
  await bench?.lab.destroy();
});

it('DORA throughput and delay, Kea vs rackd, stepped rates', async () => {
  for (const [i, rate] of knobs.rates.entries()) {
    // Alternating who goes first spreads any drift in the machine's load over both servers.
    const order: ServerKind[] = i % 2 === 0 ? ['kea', 'rackd'] : ['rackd', 'kea'];
    for (const kind of order) if (knobs.servers.includes(kind)) results[kind].push(await block(kind, work, rate));
  }
  results.kea.sort((a, b) => a.rate - b.rate);
  results.rackd.sort((a, b) => a.rate - b.rate);
  process.stdout.write(
    `\nDHCPv4 DORA, ${knobs.macs} reserved MACs, ${knobs.repeats} x ${knobs.periodS} s per step after ` +
      `${knobs.warmupS} s warm-up, medians\n`,
  );
  process.stdout.write(`${comparisonTable(results.kea, results.rackd)}\n\n`);
});

/** Scale and profile runs ask for rackd's highest fully sustained step: above it perfdhcp, not rackd, sets the pace. */
function rackdRate(): number {
  return sustainedInFull(results.rackd)?.rate ?? knobs.rates[0] ?? 1000;
}

it('rackd: lookup cost against reservation count', async () => {
  if (knobs.scale.length === 0) return;
  const rate = knobs.scaleRate > 0 ? knobs.scaleRate : rackdRate();
  const rows: { reservations: number; step: StepSummary }[] = [];
  for (const count of knobs.scale) {
    const files = count === knobs.macs ? work : writeWorkload(bench.dir, count, SERVER_IF);
    rows.push({ reservations: count, step: await block('rackd', files, rate) });
  }
  process.stdout.write(`\nrackd at ${rate}/s, perfdhcp drawing from every reserved MAC\n${scaleTable(rows)}\n\n`);
});

it('rackd: CPU profile under load', async () => {
  if (knobs.profile === '0') return;
  const rate = knobs.profile === 'auto' ? rackdRate() : Number(knobs.profile);
  const dir = process.env.BENCH_PROFILE_DIR ?? bench.lab.tempDir('cpuprof');
  let measuringFrom = 0;
  await block('rackd', work, rate, { cpuProfileDir: dir, onMeasuring: () => (measuringFrom = Date.now()) });
  // The profile ends when rackd exits, just now: its last (now - measuringFrom) ms are the measured runs.
  const windowMs = Date.now() - measuringFrom;
  const file = readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .sort()
    .pop();
  if (file === undefined) throw new Error(`rackd wrote no .cpuprofile into ${dir}`);
  process.stdout.write(
    `\nrackd CPU profile at ${rate}/s, measured runs only (${knobs.repeats} x ${knobs.periodS} s after ` +
      `warm-up)\n${profileReport(join(dir, file), windowMs)}\n\n`,
  );
});
