// A throwaway lab of network namespaces joined by veth pairs, for tests that run real DHCP peers.
// Everything it creates is named `${prefix}-…` and removed on destroy() or, failing that, at process exit.

import { spawn as spawnChild, execFileSync } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** Killed with SIGKILL after this long; `code` is then null. Default 20 s. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface SpawnInNsOptions {
  env?: NodeJS.ProcessEnv;
  stdio?: SpawnOptions['stdio'];
}

/** Linux refuses longer interface names (IFNAMSIZ - 1). */
const MAX_IFNAME = 15;

/** Labs still alive, so the exit hook can remove their namespaces when a test throws past destroy(). */
const liveLabs = new Set<Lab>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const lab of liveLabs) lab.destroySync();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const lab of liveLabs) lab.destroySync();
      process.kill(process.pid, signal);
    });
  }
}

/** Host-side `ip` call; throws with ip's own message so a failing step names itself. */
function ip(args: string[]): string {
  try {
    return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`ip ${args.join(' ')} failed: ${stderr.trim() || String(err)}`, { cause: err });
  }
}

function namespaceExists(name: string): boolean {
  return ip(['netns', 'list'])
    .split('\n')
    .some((line) => line.split(' ')[0] === name);
}

function killNamespacePids(name: string): void {
  let pids: string[];
  try {
    pids = ip(['netns', 'pids', name]).split(/\s+/).filter(Boolean);
  } catch {
    return;
  }
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function deleteNamespace(name: string): void {
  if (!namespaceExists(name)) return;
  killNamespacePids(name);
  try {
    ip(['netns', 'del', name]);
  } catch {
    // A dying process can hold it for a moment; a second try after the kill settles it.
    killNamespacePids(name);
    ip(['netns', 'del', name]);
  }
}

export class Lab {
  private readonly namespaces = new Set<string>();
  private readonly children = new Set<ChildProcess>();
  private readonly tempDirs = new Set<string>();
  private destroyed = false;

  private constructor(readonly prefix: string) {}

  static async create(prefix: string): Promise<Lab> {
    if (process.getuid?.() !== 0) throw new Error('the integration lab needs root (network namespaces)');
    if (!/^[a-z0-9-]{1,8}$/.test(prefix)) throw new Error(`lab prefix "${prefix}": use 1-8 of [a-z0-9-]`);
    installExitHook();
    const lab = new Lab(prefix);
    liveLabs.add(lab);
    return lab;
  }

  /** Creates `${prefix}-${short}` with loopback up; a stale namespace of that name (crashed run) is replaced. */
  async addNamespace(short: string): Promise<string> {
    const name = `${this.prefix}-${short}`;
    deleteNamespace(name);
    ip(['netns', 'add', name]);
    this.namespaces.add(name);
    ip(['-n', name, 'link', 'set', 'lo', 'up']);
    return name;
  }

  /** A veth pair with `ifA` in `nsA` and `ifB` in `nsB`, both up. */
  async link(
    nsA: string,
    ifA: string,
    nsB: string,
    ifB: string,
    opts: { macA?: string; macB?: string } = {},
  ): Promise<void> {
    for (const name of [ifA, ifB]) {
      if (name.length > MAX_IFNAME) throw new Error(`interface name "${name}" is longer than ${MAX_IFNAME} characters`);
    }
    const endA = ['name', ifA, 'netns', nsA, ...(opts.macA ? ['address', opts.macA] : [])];
    const endB = ['name', ifB, 'netns', nsB, ...(opts.macB ? ['address', opts.macB] : [])];
    ip(['link', 'add', ...endA, 'type', 'veth', 'peer', ...endB]);
    ip(['-n', nsA, 'link', 'set', ifA, 'up']);
    ip(['-n', nsB, 'link', 'set', ifB, 'up']);
  }

  /** IPv6 addresses skip duplicate-address detection so they are usable at once. */
  async addAddress(ns: string, ifname: string, cidr: string): Promise<void> {
    ip(['-n', ns, 'addr', 'add', cidr, 'dev', ifname, ...(cidr.includes(':') ? ['nodad'] : [])]);
  }

  /** Sets a link's MAC (the link goes down and up around it). */
  async setMac(ns: string, ifname: string, mac: string): Promise<void> {
    ip(['-n', ns, 'link', 'set', ifname, 'down']);
    ip(['-n', ns, 'link', 'set', ifname, 'address', mac]);
    ip(['-n', ns, 'link', 'set', ifname, 'up']);
  }

  /** Runs to completion inside `ns`. Resolves on exit even if a forked daemon still holds the pipes. */
  async exec(ns: string, cmd: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const child = this.spawn(ns, cmd, args, { env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
    const code = await new Promise<number | null>((resolve) => {
      child.once('error', (err) => {
        stderr += String(err);
        resolve(null);
      });
      child.once('exit', (exitCode) => resolve(exitCode));
    });
    clearTimeout(timer);
    // Daemons that fork (dhclient) keep our pipes open: give the output a moment, not forever.
    await new Promise<void>((resolve) => {
      const grace = setTimeout(resolve, 300);
      child.once('close', () => {
        clearTimeout(grace);
        resolve();
      });
      if (child.stdout?.readableEnded !== false && child.stderr?.readableEnded !== false) resolve();
    });
    child.stdout?.destroy();
    child.stderr?.destroy();
    return { code, stdout, stderr };
  }

  /** `ip netns exec` execs in place, so the returned child's pid is the command's own pid. */
  spawn(ns: string, cmd: string, args: string[], opts: SpawnInNsOptions = {}): ChildProcess {
    if (this.destroyed) throw new Error('lab already destroyed');
    const child = spawnChild('ip', ['netns', 'exec', ns, cmd, ...args], {
      env: opts.env ?? process.env,
      stdio: opts.stdio ?? ['ignore', 'pipe', 'pipe'],
    });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  /** A fresh directory removed with the lab (kept when RACKD_KEEP_LAB=1, for a post-mortem). */
  tempDir(label = 'lab'): string {
    const dir = mkdtempSync(join(tmpdir(), `${this.prefix}-${label}-`));
    this.tempDirs.add(dir);
    return dir;
  }

  /** Pids of processes whose command name is `comm` inside `ns` (to reap daemons a client left behind). */
  pidsOf(ns: string, comm: string): number[] {
    const pids = ip(['netns', 'pids', ns]).split(/\s+/).filter(Boolean).map(Number);
    return pids.filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm;
      } catch {
        return false;
      }
    });
  }

  async destroy(): Promise<void> {
    for (const child of this.children) child.kill('SIGTERM');
    const exits = [...this.children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => {
            child.kill('SIGKILL');
            resolve();
          }, 3_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
        }),
    );
    await Promise.all(exits);
    this.destroySync();
  }

  /** The synchronous part of destroy(), also run by the exit hook where no promise can be awaited. */
  destroySync(): void {
    for (const child of this.children) child.kill('SIGKILL');
    this.children.clear();
    for (const ns of this.namespaces) {
      try {
        deleteNamespace(ns);
      } catch (err) {
        process.stderr.write(`lab: could not delete namespace ${ns}: ${String(err)}\n`);
      }
    }
    this.namespaces.clear();
    if (process.env.RACKD_KEEP_LAB !== '1') {
      for (const dir of this.tempDirs) rmSync(dir, { recursive: true, force: true });
      this.tempDirs.clear();
    }
    this.destroyed = true;
    liveLabs.delete(this);
  }
}
