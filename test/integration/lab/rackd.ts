// Starts the built rackd daemon inside a lab namespace and follows its pino JSON log by `event`
// (rackd.ready, config.reloaded/config.rejected, dhcp4.reply, dhcp4.unknown-client, dhcp4.drop).

import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import type { Lab } from './lab.js';

export type LogLine = Record<string, unknown> & { event?: string };

export interface RackdHandle {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly ipamPath: string;
  /** Every JSON line rackd has written to stdout so far. */
  readonly logs: LogLine[];
  /** stdout lines that were not JSON, and stderr: shown when something goes wrong. */
  readonly noise: string[];
  /** The first line (already seen or yet to come) with this event that satisfies `pred`. Default timeout 10 s. */
  waitForEvent(event: string, pred?: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  events(event: string): LogLine[];
  /**
   * Rewrites the IPAM file, sends SIGHUP, and returns the config.reloaded / config.rejected (or config.reload-failed)
   * line it caused.
   */
  reload(newIpamYaml: string): Promise<LogLine>;
  /** SIGTERM, then SIGKILL after 5 s; the exit code (null when killed by a signal). */
  stop(): Promise<number | null>;
}

export interface StartRackdOptions {
  ipamYaml: string;
  interfaces: string[];
  extraArgs?: string[];
  /** How long to wait for rackd.ready; default 15 s. */
  readyTimeoutMs?: number;
}

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
/** RACKD_BIN overrides the entry point, e.g. to test an installed rackd. */
export const RACKD_BIN = process.env.RACKD_BIN ?? join(REPO_ROOT, 'bin/rackd.js');

interface Waiter {
  from: number;
  match: (line: LogLine) => boolean;
  resolve: (line: LogLine) => void;
}

/** Follows a child's stdout as JSON lines; wakes waiters as lines arrive. */
class LogFollower {
  readonly logs: LogLine[] = [];
  readonly noise: string[] = [];
  private readonly waiters = new Set<Waiter>();
  private partial = '';

  feed(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const text of lines) {
      if (text.trim() === '') continue;
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        this.noise.push(text);
        continue;
      }
      this.logs.push(line);
      for (const waiter of this.waiters) {
        if (waiter.match(line)) {
          this.waiters.delete(waiter);
          waiter.resolve(line);
        }
      }
    }
  }

  wait(from: number, match: (line: LogLine) => boolean, timeoutMs: number, what: string): Promise<LogLine> {
    const seen = this.logs.slice(from).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise<LogLine>((resolvePromise, reject) => {
      const waiter: Waiter = {
        from,
        match,
        resolve: (line) => {
          clearTimeout(timer);
          resolvePromise(line);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`rackd: no ${what} within ${timeoutMs} ms; last lines:\n${this.tail()}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  tail(count = 15): string {
    const json = this.logs.slice(-count).map((line) => JSON.stringify(line));
    return [...json, ...this.noise.slice(-count)].join('\n');
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

export async function startRackd(lab: Lab, ns: string, opts: StartRackdOptions): Promise<RackdHandle> {
  if (!existsSync(RACKD_BIN) || !existsSync(join(REPO_ROOT, 'dist'))) {
    throw new Error(`${RACKD_BIN} or dist/ missing: run \`npm run build\` before the integration tests`);
  }
  const dir = lab.tempDir('rackd');
  const ipamPath = join(dir, 'ipam.yaml');
  const stateDir = join(dir, 'state');
  writeFileSync(ipamPath, opts.ipamYaml);
  const args = [RACKD_BIN, 'run', '--ipam', ipamPath, ...opts.interfaces.flatMap((name) => ['--interface', name])];
  args.push('--state-dir', stateDir, '--log-level', 'debug', ...(opts.extraArgs ?? []));
  const child = lab.spawn(ns, process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const follower = new LogFollower();
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => follower.feed(chunk));
  child.stderr
    ?.setEncoding('utf8')
    .on('data', (chunk: string) => follower.noise.push(...chunk.split('\n').filter(Boolean)));

  const exitPromise = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const ready = follower.wait(0, (line) => line.event === 'rackd.ready', opts.readyTimeoutMs ?? 15_000, 'rackd.ready');
  const died = exitPromise.then((code) => {
    throw new Error(`rackd exited (code ${code}) before rackd.ready:\n${follower.tail(30)}`);
  });
  try {
    await Promise.race([ready, died]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  died.catch(() => undefined);

  const handle: RackdHandle = {
    child,
    pid: child.pid ?? -1,
    ipamPath,
    logs: follower.logs,
    noise: follower.noise,
    waitForEvent: (event, pred = () => true, timeoutMs = 10_000) =>
      follower.wait(0, (line) => line.event === event && pred(line), timeoutMs, `"${event}" line`),
    events: (event) => follower.logs.filter((line) => line.event === event),
    async reload(newIpamYaml) {
      writeFileSync(ipamPath, newIpamYaml);
      const from = follower.logs.length;
      const outcome = follower.wait(
        from,
        (line) => ['config.reloaded', 'config.rejected', 'config.reload-failed'].includes(line.event ?? ''),
        10_000,
        'config.reloaded/config.rejected after SIGHUP',
      );
      child.kill('SIGHUP');
      return outcome;
    },
    async stop() {
      if (exited(child)) return child.exitCode;
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.kill('SIGTERM');
      const code = await exitPromise;
      clearTimeout(timer);
      return code;
    },
  };
  return handle;
}
