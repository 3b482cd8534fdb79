// The bench lab (prefix rkb): a server namespace and a client namespace on one veth pair, and the two DHCPv4
// servers under test (kea-dhcp4, rackd) started one at a time in the server namespace (RFC 2131 §4.1 relay path).

import { execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab } from '../../integration/lab/lab.js';
import { RACKD_BIN } from '../../integration/lab/rackd.js';
import { onServerCpu } from './cpu-pinning.js';
import { runPerfdhcp } from './perfdhcp.js';
import { PREFIX_LENGTH, RACKD_BENCH_CONFIG, RELAY_IP, SERVER_IP } from './workload.js';
import type { WorkloadFiles } from './workload.js';

export const SERVER_IF = 'rkb0';
export const CLIENT_IF = 'eth0';

export interface BenchLab {
  lab: Lab;
  srv: string;
  cli: string;
  dir: string;
}

export interface BenchLabOptions {
  /** Namespace prefix. @default 'rkb' */
  prefix?: string;
  /** The server's end of the veth. @default SERVER_IF */
  serverIf?: string;
  /** More relay addresses on the client's end, besides perfdhcp's RELAY_IP. @default [] */
  extraClientIps?: string[];
}

/** Server and client namespaces on one veth, the server at SERVER_IP, perfdhcp's relay address on the client. */
export async function createBenchLab(options: BenchLabOptions = {}): Promise<BenchLab> {
  const serverIf = options.serverIf ?? SERVER_IF;
  const lab = await Lab.create(options.prefix ?? 'rkb');
  try {
    const srv = await lab.addNamespace('srv');
    const cli = await lab.addNamespace('cli');
    await lab.link(srv, serverIf, cli, CLIENT_IF);
    await lab.addAddress(srv, serverIf, `${SERVER_IP}/${PREFIX_LENGTH}`);
    for (const ip of [RELAY_IP, ...(options.extraClientIps ?? [])])
      await lab.addAddress(cli, CLIENT_IF, `${ip}/${PREFIX_LENGTH}`);
    return { lab, srv, cli, dir: lab.tempDir('bench') };
  } catch (err) {
    await lab.destroy();
    throw err;
  }
}

export type ServerKind = 'kea' | 'rackd';

export interface RunningServer {
  kind: ServerKind;
  child: ChildProcess;
  /** stdout and stderr, for the error message when it dies. */
  output: string[];
  stop(): Promise<void>;
}

export interface StartOptions {
  /** rackd only: write a V8 CPU profile (node --cpu-prof) into this directory on exit. */
  cpuProfileDir?: string;
  readyTimeoutMs?: number;
}

function watch(kind: ServerKind, child: ChildProcess): RunningServer {
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString('utf8'));
    if (output.length > 200) output.splice(0, 100);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.kill('SIGTERM');
    await exited;
    clearTimeout(timer);
  };
  return { kind, child, output, stop };
}

/** kea-dhcp4's arguments and environment for `configPath`, with its own pid and lock directories under `dir`. */
export function keaLaunch(dir: string, configPath: string): { args: string[]; env: NodeJS.ProcessEnv } {
  // A Kea left by another test must not make this one refuse to start.
  const run = join(dir, 'kea-run');
  mkdirSync(run, { recursive: true });
  mkdirSync('/run/kea', { recursive: true });
  mkdirSync('/var/lib/kea', { recursive: true });
  return { args: ['-c', configPath], env: { ...process.env, KEA_PIDFILE_DIR: run, KEA_LOCKFILE_DIR: run } };
}

function spawnKea(bench: BenchLab, work: WorkloadFiles): ChildProcess {
  const { args, env } = keaLaunch(bench.dir, work.keaJson);
  return bench.lab.spawn(bench.srv, ...onServerCpu('kea-dhcp4', args), { env });
}

function spawnRackd(bench: BenchLab, work: WorkloadFiles, opts: StartOptions): ChildProcess {
  const config = join(bench.dir, 'rackd.yaml');
  writeFileSync(config, RACKD_BENCH_CONFIG);
  const profile = opts.cpuProfileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfileDir];
  const args = [...profile, RACKD_BIN, 'run', '--config', config, '--ipam', work.ipamFile, '--interface', SERVER_IF];
  args.push('--state-dir', join(bench.dir, 'rackd-state'), '--log-level', 'warn');
  return bench.lab.spawn(bench.srv, ...onServerCpu(process.execPath, args));
}

/** Ready means answering: a short perfdhcp run completes at least one exchange (neither logs at info here). */
async function waitUntilServing(
  bench: BenchLab,
  server: RunningServer,
  work: WorkloadFiles,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) break;
    const probe = await runPerfdhcp(bench.lab, bench.cli, {
      iface: CLIENT_IF,
      server: SERVER_IP,
      macList: work.macList,
      rate: 20,
      periodS: 1,
    });
    if (probe.request.received > 0) return;
  }
  await server.stop();
  throw new Error(
    `${server.kind} did not answer within ${timeoutMs} ms; its output:\n${server.output.join('').slice(-3000)}`,
  );
}

export async function startServer(
  bench: BenchLab,
  kind: ServerKind,
  work: WorkloadFiles,
  opts: StartOptions = {},
): Promise<RunningServer> {
  const child = kind === 'kea' ? spawnKea(bench, work) : spawnRackd(bench, work, opts);
  const server = watch(kind, child);
  await waitUntilServing(bench, server, work, opts.readyTimeoutMs ?? 60_000);
  return server;
}

/** rackd's own view after a run (capture drops, drop reasons), from its loopback /metrics in the namespace. */
export function rackdCounters(bench: BenchLab): string[] {
  try {
    const text = execFileSync(
      'ip',
      ['netns', 'exec', bench.srv, 'curl', '-s', '--max-time', '3', 'http://127.0.0.1:9467/metrics'],
      { encoding: 'utf8' },
    );
    return text.split('\n').filter((line) => /^rackd_(capture_dropped|dhcp4_dropped|dhcp4_decode_errors)/.test(line));
  } catch {
    return ['(metrics endpoint did not answer)'];
  }
}
