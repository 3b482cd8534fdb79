// DHCPv6 peers for the lab (RFC 8415): ISC `dhclient -6 -S` (stateless, Information-request), ISC `dhcrelay -6`,
// a raw datagram sender for malformed input, and tshark's verdict on every server datagram (UDP source port 547).

import { execFile } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import type { Lab } from '../lab/lab.js';

const execFileAsync = promisify(execFile);
const EXPERT_WARNING = 6291456;

const RECORD_END = '\x1e';

/** A hook script appending its environment, NUL-separated, one record per call. */
function dumpEnvHook(dir: string): { script: string; calls: string } {
  const calls = join(dir, 'calls');
  const script = join(dir, 'hook.sh');
  writeFileSync(script, `#!/bin/sh\n{ env -0; printf '${RECORD_END}'; } >> '${calls}'\nexit 0\n`);
  chmodSync(script, 0o755);
  return { script, calls };
}

function readHookCalls(path: string): Record<string, string>[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split(RECORD_END)
    .filter(Boolean)
    .map((record) => {
      const env: Record<string, string> = {};
      for (const entry of record.split('\0')) {
        const eq = entry.indexOf('=');
        if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
      }
      return env;
    });
}

/** IPv6 addresses on a fresh veth are tentative until DAD ends; dhclient and the server need a usable link-local. */
export async function waitForLinkLocal(lab: Lab, ns: string, ifname: string, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { stdout } = await lab.exec(ns, 'ip', ['-6', 'addr', 'show', 'dev', ifname, 'scope', 'link']);
    if (stdout.includes('inet6 fe80') && !stdout.includes('tentative')) return;
    if (Date.now() > deadline)
      throw new Error(`${ns}/${ifname}: no usable link-local address after ${timeoutMs} ms:\n${stdout}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * `dhclient -6 -S -1` in the foreground (`-d`, so no daemon outlives it): the env of its first hook call
 * carrying `new_dhcp6_*` (reason RENEW6/INFORM6), or undefined when it got no Reply.
 */
export async function dhclient6(
  lab: Lab,
  ns: string,
  ifname: string,
  timeoutMs = 12_000,
): Promise<Record<string, string> | undefined> {
  const dir = lab.tempDir('dhclient6');
  const { script, calls } = dumpEnvHook(dir);
  const conf = join(dir, 'dhclient6.conf');
  writeFileSync(conf, 'timeout 8;\nretry 1;\ninitial-interval 1;\n');
  const args = [
    '-6',
    '-S',
    '-1',
    '-d',
    '-cf',
    conf,
    '-sf',
    script,
    '-lf',
    join(dir, 'leases'),
    '-pf',
    join(dir, 'pid'),
    ifname,
  ];
  // -d keeps it in the foreground; it exits by itself after the Reply with -1, else the timeout ends it.
  await lab.exec(ns, 'timeout', [String(Math.ceil(timeoutMs / 1000)), 'dhclient', ...args], {
    timeoutMs: timeoutMs + 2_000,
  });
  return readHookCalls(calls).find(
    (env) => env.new_dhcp6_name_servers !== undefined || env.new_dhcp6_domain_search !== undefined,
  );
}

export interface Dhcrelay6 {
  readonly child: ChildProcess;
  output(): string;
}

/** `dhcrelay -6 -d -I -l DOWN -u SERVER%UP`: -I adds an Interface-ID (RFC 8415 §21.18) to every Relay-forward. */
export async function startDhcrelay6(
  lab: Lab,
  ns: string,
  opts: { downstream: string; upstream: string; server: string },
): Promise<Dhcrelay6> {
  const child = lab.spawn(ns, 'dhcrelay', [
    '-6',
    '-d',
    '-I',
    '-l',
    opts.downstream,
    '-u',
    `${opts.server}%${opts.upstream}`,
  ]);
  let log = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  const deadline = Date.now() + 5_000;
  for (;;) {
    const { stdout } = await lab.exec(ns, 'ss', ['-Hulnp', 'sport = :547'], { timeoutMs: 3_000 });
    if (stdout.includes('dhcrelay')) return { child, output: () => log };
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`dhcrelay -6 in ${ns} not bound to udp/547: ${log.trim()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Sends each payload from `ns` to ff02::1:2%ifname port 547, one after the other; resolves with the count sent. */
export async function sendDatagrams(lab: Lab, ns: string, ifname: string, payloads: Buffer[]): Promise<number> {
  const file = join(lab.tempDir('dgrams'), 'payloads.hex');
  writeFileSync(file, payloads.map((p) => (p.length === 0 ? '-' : p.toString('hex'))).join('\n'));
  const script = `
    const fs = require('node:fs'); const dgram = require('node:dgram');
    const lines = fs.readFileSync(${JSON.stringify(file)}, 'utf8').split('\\n');
    const s = dgram.createSocket('udp6');
    let sent = 0;
    const next = (i) => {
      if (i >= lines.length) { console.log(sent); s.close(); return; }
      const buf = lines[i] === '-' ? Buffer.alloc(0) : Buffer.from(lines[i], 'hex');
      s.send(buf, 547, 'ff02::1:2%${ifname}', (err) => { if (!err) sent++; setTimeout(() => next(i + 1), 1); });
    };
    next(0);`;
  const { stdout, stderr } = await lab.exec(ns, process.execPath, ['-e', script], { timeoutMs: 60_000 });
  const sent = Number(stdout.trim());
  if (!Number.isInteger(sent)) throw new Error(`datagram sender failed: ${stderr}`);
  return sent;
}

async function tshark(args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('tshark', args, { maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

/**
 * Every datagram rackd sent (UDP source port 547 from `serverAddressFilter`) decodes cleanly; returns how many there
 * were.
 */
export async function assertDhcp6RepliesClean(pcapPath: string, serverAddressFilter: string): Promise<number> {
  const ours = `udp.srcport == 547 && ${serverAddressFilter}`;
  const bad = await tshark([
    '-r',
    pcapPath,
    '-Y',
    `${ours} && (_ws.malformed || _ws.expert.severity >= ${EXPERT_WARNING})`,
  ]);
  if (bad !== '') {
    const detail = await tshark([
      '-r',
      pcapPath,
      '-Y',
      `${ours} && (_ws.malformed || _ws.expert.severity >= ${EXPERT_WARNING})`,
      '-V',
    ]);
    throw new Error(`tshark flags rackd's DHCPv6 datagrams in ${pcapPath}:\n${bad}\n\n${detail.slice(0, 8_000)}`);
  }
  const frames = await tshark(['-r', pcapPath, '-Y', `${ours} && dhcpv6`, '-T', 'fields', '-e', 'frame.number']);
  const count = frames === '' ? 0 : frames.split('\n').length;
  if (count === 0) throw new Error(`no DHCPv6 datagram from rackd in ${pcapPath}`);
  return count;
}

/** One row per packet matching `filter`, fields joined by tabs, multi-valued fields by commas. */
export async function tsharkRows(pcapPath: string, filter: string, fields: string[]): Promise<string[][]> {
  const out = await tshark([
    '-r',
    pcapPath,
    '-Y',
    filter,
    '-T',
    'fields',
    '-E',
    'separator=\t',
    '-E',
    'occurrence=a',
    ...fields.flatMap((f) => ['-e', f]),
  ]);
  return out === '' ? [] : out.split('\n').map((line) => line.split('\t'));
}
