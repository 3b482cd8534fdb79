// Runs Kea's perfdhcp as a relay agent (RFC 2131 §4.1 giaddr path, RFC 1542 §4) and parses its final report:
// the DISCOVER-OFFER and REQUEST-ACK legs of the 4-way exchange, their drops and delays.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lab } from '../../integration/lab/lab.js';
import { onClientCpu } from './cpu-pinning.js';

export interface LegStats {
  sent: number;
  received: number;
  avgMs: number;
  maxMs: number;
}

export interface PerfdhcpResult {
  rate: number;
  periodS: number;
  discover: LegStats;
  request: LegStats;
  /** Completed exchanges (ACKs) per second of the test period. */
  achieved: number;
  /** Exchanges started but not completed, % of DISCOVERs sent (a lost OFFER or a lost ACK). */
  dropPct: number;
}

export interface PerfdhcpRun {
  iface: string;
  server: string;
  macList: string;
  rate: number;
  periodS: number;
}

/** Replies still in flight when sending stops are waited for this long rather than counted as drops. */
const EXIT_WAIT_US = 200_000;

function field(section: string, name: string): number {
  const match = new RegExp(`^${name}: ([0-9.]+)`, 'm').exec(section);
  return match ? Number(match[1]) : NaN;
}

function leg(output: string, title: string): LegStats {
  const start = output.indexOf(`***Statistics for: ${title}***`);
  if (start < 0) throw new Error(`perfdhcp output has no ${title} statistics:\n${output.slice(-2000)}`);
  const rest = output.slice(start + 10);
  const end = rest.indexOf('***Statistics for:');
  const section = end < 0 ? rest : rest.slice(0, end);
  return {
    sent: field(section, 'sent packets'),
    received: field(section, 'received packets'),
    avgMs: field(section, 'avg delay'),
    maxMs: field(section, 'max delay'),
  };
}

export function parsePerfdhcp(output: string, rate: number, periodS: number): PerfdhcpResult {
  const discover = leg(output, 'DISCOVER-OFFER');
  const request = leg(output, 'REQUEST-ACK');
  if (!(discover.sent > 0)) throw new Error(`perfdhcp sent no DISCOVERs:\n${output.slice(-2000)}`);
  const acks = Number.isFinite(request.received) ? request.received : 0;
  return {
    rate,
    periodS,
    discover,
    request,
    achieved: acks / periodS,
    dropPct: (100 * (discover.sent - acks)) / discover.sent,
  };
}

/**
 * perfdhcp's thread mode. Its default on two CPUs, 'multi', is two busy threads (sender and receiver): on the one
 * CPU the bench gives it they take turns, and it could not send more than ~14,000 exchanges/s; 'single' sent 19,000.
 */
const THREAD_MODE = process.env.BENCH_PERFDHCP_MODE ?? 'single';

const shims = new WeakMap<Lab, string>();

/** client-rcvbuf.c built once per lab (into the lab's temporary dir) and preloaded into perfdhcp. */
function clientEnv(lab: Lab): NodeJS.ProcessEnv {
  let shim = shims.get(lab);
  if (shim === undefined) {
    shim = join(lab.tempDir('perfdhcp-shim'), 'client-rcvbuf.so');
    const source = fileURLToPath(new URL('./client-rcvbuf.c', import.meta.url));
    execFileSync('cc', ['-shared', '-fPIC', '-O2', '-Wall', '-o', shim, source, '-ldl']);
    shims.set(lab, shim);
  }
  return { ...process.env, LD_PRELOAD: shim };
}

/** One timed run from the client namespace; perfdhcp stops itself after the period (-p), always. */
export async function runPerfdhcp(lab: Lab, ns: string, run: PerfdhcpRun): Promise<PerfdhcpResult> {
  const args = [
    '-4',
    '-g',
    THREAD_MODE,
    '-l',
    run.iface,
    '-r',
    String(run.rate),
    '-p',
    String(run.periodS),
    '-W',
    String(EXIT_WAIT_US),
    '-M',
    run.macList,
    run.server,
  ];
  const [cmd, cmdArgs] = onClientCpu('perfdhcp', args);
  const result = await lab.exec(ns, cmd, cmdArgs, { timeoutMs: (run.periodS + 15) * 1000, env: clientEnv(lab) });
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.code === null) throw new Error(`perfdhcp ${args.join(' ')} did not finish:\n${output.slice(-2000)}`);
  return parsePerfdhcp(output, run.rate, run.periodS);
}
