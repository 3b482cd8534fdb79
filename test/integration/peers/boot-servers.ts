// The servers a network-booting machine loads from once DHCP has answered: TFTP (RFC 1350) for firmware
// PXE, as dnsmasq with DNS and DHCP off, and HTTP for UEFI HTTP boot and iPXE scripts, as python's http.server.

import type { ChildProcess } from 'node:child_process';
import type { Lab } from '../lab/lab.js';

export interface BootServer {
  readonly child: ChildProcess;
  /** What the server logged so far (dnsmasq's `sent FILE to IP`, http.server's request lines). */
  output(): string;
}

const READY_TIMEOUT_MS = 5_000;

async function waitForPort(
  lab: Lab,
  ns: string,
  flags: string,
  filter: string,
  child: ChildProcess,
  log: () => string,
  what: string,
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const { stdout } = await lab.exec(ns, 'ss', [flags, filter], { timeoutMs: 3_000 });
    if (stdout.trim() !== '') return;
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${what} in ${ns} exited: ${log().trim()}`);
    if (Date.now() > deadline)
      throw new Error(`${what} in ${ns} not listening after ${READY_TIMEOUT_MS} ms: ${log().trim()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function follow(child: ChildProcess): () => string {
  let log = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  return () => log;
}

/** dnsmasq as a TFTP server only (`--port=0`: no DNS; no dhcp-range: no DHCP), serving `root` on `address`. */
export async function startTftp(lab: Lab, ns: string, address: string, root: string): Promise<BootServer> {
  const child = lab.spawn(ns, 'dnsmasq', [
    '--keep-in-foreground',
    '--conf-file=/dev/null',
    '--pid-file=',
    '--port=0',
    '--user=root',
    '--enable-tftp',
    `--tftp-root=${root}`,
    `--listen-address=${address}`,
    '--bind-interfaces',
    '--log-facility=-',
  ]);
  const output = follow(child);
  await waitForPort(lab, ns, '-Hulnp', 'sport = :69', child, output, 'dnsmasq (TFTP)');
  return { child, output };
}

/** python3's http.server on `address:port`, serving `root`; it logs every request to stderr. */
export async function startHttp(
  lab: Lab,
  ns: string,
  address: string,
  port: number,
  root: string,
): Promise<BootServer> {
  const child = lab.spawn(ns, '/usr/bin/python3', [
    '-u',
    '-m',
    'http.server',
    '--bind',
    address,
    '--directory',
    root,
    String(port),
  ]);
  const output = follow(child);
  await waitForPort(lab, ns, '-Htlnp', `sport = :${port}`, child, output, 'http.server');
  return { child, output };
}
