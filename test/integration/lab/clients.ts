// Real DHCPv4 clients (busybox udhcpc, ISC dhclient, dhcpcd) run inside a lab namespace; each reports what
// it was given through a hook script that dumps its environment (RFC 2131 §4.4 client states).

import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Lab } from './lab.js';

export type ClientEnv = Record<string, string>;

/** One call of a client's hook script: `reason` is udhcpc's $1 or dhclient's/dhcpcd's $reason. */
export interface HookCall {
  reason: string;
  env: ClientEnv;
}

export interface ClientOptions {
  extraArgs?: string[];
  /** Upper bound for the whole exchange; default and maximum 15 s. */
  timeoutMs?: number;
}

const MAX_CLIENT_MS = 15_000;
const RECORD_END = '\x1e';

/**
 * A hook script that appends its environment, NUL-separated, to `calls`. With `configure`, it also puts
 * the leased address on the interface, which a client needs before it can renew by unicast.
 */
function writeHook(dir: string, configure: boolean): { script: string; calls: string } {
  const calls = join(dir, 'calls');
  const script = join(dir, 'hook.sh');
  const configureLines = configure
    ? `case "$1" in bound|renew) ip addr flush dev "$interface"; ip addr add "$ip/\${mask:-24}" dev ` +
      `"$interface";; esac\n`
    : '';
  writeFileSync(
    script,
    `#!/bin/sh\n{ printf 'hook_arg=%s\\0' "$1"; env -0; printf '${RECORD_END}'; } >> ` +
      `'${calls}'\n${configureLines}exit 0\n`,
  );
  chmodSync(script, 0o755);
  // dhcpcd's privilege separation may run the hook as another user.
  chmodSync(dir, 0o777);
  return { script, calls };
}

function readCalls(callsPath: string): HookCall[] {
  if (!existsSync(callsPath)) return [];
  return readFileSync(callsPath, 'utf8')
    .split(RECORD_END)
    .filter((record) => record.length > 0)
    .map((record) => {
      const env: ClientEnv = {};
      for (const entry of record.split('\0')) {
        const eq = entry.indexOf('=');
        if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
      }
      return { reason: env.reason ?? env.hook_arg ?? '', env };
    });
}

function bounded(opts: ClientOptions): number {
  return Math.min(opts.timeoutMs ?? MAX_CLIENT_MS, MAX_CLIENT_MS);
}

const UDHCPC_OPTIONS = ['-O', 'staticroutes', '-O', 'search', '-O', 'ntpsrv', '-O', 'mtu'];

/** udhcpc once (`-n -q`): the env of its `bound` call, or undefined when it got no lease. */
export async function udhcpc(
  lab: Lab,
  ns: string,
  ifname: string,
  opts: ClientOptions = {},
): Promise<ClientEnv | undefined> {
  const { script, calls } = writeHook(lab.tempDir('udhcpc'), false);
  const args = [
    '-i',
    ifname,
    '-n',
    '-q',
    '-f',
    '-t',
    '4',
    '-T',
    '1',
    '-s',
    script,
    ...UDHCPC_OPTIONS,
    ...(opts.extraArgs ?? []),
  ];
  await lab.exec(ns, 'udhcpc', args, { timeoutMs: bounded(opts) });
  return readCalls(calls).find((call) => call.reason === 'bound')?.env;
}

/** A udhcpc left running in the foreground, to drive it through RENEWING. */
export interface UdhcpcDaemon {
  readonly child: ChildProcess;
  calls(): HookCall[];
  waitForCall(reason: string, timeoutMs?: number, after?: number): Promise<HookCall>;
  /** SIGUSR1: busybox udhcpc renews at once, unicast to the server that granted the lease (RFC 2131 §4.4.5). */
  renew(): void;
  stop(): Promise<void>;
}

export function startUdhcpc(lab: Lab, ns: string, ifname: string, opts: { extraArgs?: string[] } = {}): UdhcpcDaemon {
  const { script, calls } = writeHook(lab.tempDir('udhcpc'), true);
  const args = [
    '-i',
    ifname,
    '-f',
    '-t',
    '4',
    '-T',
    '1',
    '-A',
    '1',
    '-s',
    script,
    ...UDHCPC_OPTIONS,
    ...(opts.extraArgs ?? []),
  ];
  const child = lab.spawn(ns, 'udhcpc', args, { stdio: 'ignore' });
  const read = (): HookCall[] => readCalls(calls);
  return {
    child,
    calls: read,
    async waitForCall(reason, timeoutMs = 10_000, after = 0) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = read()
          .slice(after)
          .find((call) => call.reason === reason);
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(
            `udhcpc: no "${reason}" hook call within ${timeoutMs} ms; saw ${read()
              .map((c) => c.reason)
              .join(', ')}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    renew: () => child.kill('SIGUSR1'),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

/**
 * Custom option names declared to dhclient, so their values reach the script as new_rackd_opt150 / new_rackd_opt224.
 */
const DHCLIENT_CONF = `option rfc3442-classless-static-routes code 121 = array of unsigned integer 8;
option rackd-opt150 code 150 = ip-address;
option rackd-opt224 code 224 = string;
timeout 10;
retry 1;
initial-interval 1;
request subnet-mask, broadcast-address, routers, domain-name, domain-name-servers, domain-search, host-name,
  ntp-servers, interface-mtu, rfc3442-classless-static-routes, rackd-opt150, rackd-opt224;
`;

function killPidFile(path: string): void {
  if (!existsSync(path)) return;
  const pid = Number(readFileSync(path, 'utf8').trim());
  if (pid > 0) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** dhclient once (`-1`): the env of its BOUND/REBOOT call (new_* variables); the forked daemon is then killed. */
export async function dhclient(
  lab: Lab,
  ns: string,
  ifname: string,
  opts: ClientOptions & { leases?: string } = {},
): Promise<ClientEnv | undefined> {
  const dir = lab.tempDir('dhclient');
  const { script, calls } = writeHook(dir, false);
  const conf = join(dir, 'dhclient.conf');
  const leases = join(dir, 'dhclient.leases');
  const pidFile = join(dir, 'dhclient.pid');
  writeFileSync(conf, DHCLIENT_CONF);
  writeFileSync(leases, opts.leases ?? '');
  try {
    await lab.exec(
      ns,
      'dhclient',
      ['-1', '-cf', conf, '-sf', script, '-lf', leases, '-pf', pidFile, ...(opts.extraArgs ?? []), ifname],
      {
        timeoutMs: bounded(opts),
      },
    );
  } finally {
    killPidFile(pidFile);
  }
  return readCalls(calls).find((call) => call.reason === 'BOUND' || call.reason === 'REBOOT')?.env;
}

/** dhcpcd's requested options, by its own names (it asks for little when given no config file). */
const DHCPCD_OPTIONS = [
  'subnet_mask',
  'routers',
  'domain_name_servers',
  'domain_name',
  'domain_search',
  'host_name',
  'ntp_servers',
  'interface_mtu',
  'classless_static_routes',
].flatMap((name) => ['-o', name]);

/**
 * dhcpcd in test mode (`-T`): the env of its reason=TEST call, made on the OFFER. Its privilege-separation
 * helpers outlive the main process, so output goes to files and every dhcpcd left in `ns` is killed after.
 */
export async function dhcpcd(
  lab: Lab,
  ns: string,
  ifname: string,
  opts: ClientOptions = {},
): Promise<ClientEnv | undefined> {
  const dir = lab.tempDir('dhcpcd');
  const { script, calls } = writeHook(dir, false);
  const argv = [
    'dhcpcd',
    '-f',
    '/dev/null',
    '-c',
    script,
    '-T',
    '-4',
    '-1',
    '-t',
    '10',
    ...DHCPCD_OPTIONS,
    ...(opts.extraArgs ?? []),
    ifname,
  ];
  const quoted = argv.map((arg) => `'${arg}'`).join(' ');
  try {
    await lab.exec(ns, 'sh', ['-c', `exec ${quoted} >'${join(dir, 'out')}' 2>&1`], { timeoutMs: bounded(opts) });
  } finally {
    for (const pid of lab.pidsOf(ns, 'dhcpcd')) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  return readCalls(calls).find((call) => call.reason === 'TEST')?.env;
}
