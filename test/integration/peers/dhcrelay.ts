// ISC dhcrelay as the relay agent between a client segment and rackd (RFC 2131 §4.1 giaddr, RFC 1542 §4).
// It is started in its own namespace and is ready once its upstream UDP socket is bound to port 67.

import type { ChildProcess } from 'node:child_process';
import type { Lab } from '../lab/lab.js';

export interface DhcrelayOptions {
  /** Interface toward the server (`-iu`). */
  upstream: string;
  /** Interface toward the clients (`-id`); its address becomes giaddr. */
  downstream: string;
  /** The DHCP server the relay forwards to. */
  server: string;
}

export interface Dhcrelay {
  readonly child: ChildProcess;
  /** What dhcrelay printed so far (it logs to stderr in -d mode), for failure messages. */
  output(): string;
}

const READY_TIMEOUT_MS = 5_000;

async function portBound(lab: Lab, ns: string): Promise<boolean> {
  const { stdout } = await lab.exec(ns, 'ss', ['-Hulnp', 'sport = :67'], { timeoutMs: 3_000 });
  return stdout.includes('dhcrelay');
}

/** Starts `dhcrelay -4 -d -q -iu UP -id DOWN SERVER` in `ns`; the lab kills it on destroy. */
export async function startDhcrelay(lab: Lab, ns: string, opts: DhcrelayOptions): Promise<Dhcrelay> {
  const child = lab.spawn(ns, 'dhcrelay', [
    '-4',
    '-d',
    '-q',
    '-iu',
    opts.upstream,
    '-id',
    opts.downstream,
    opts.server,
  ]);
  let log = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  // Polling the socket table rather than the log: with -q dhcrelay prints nothing once its sockets are open.
  while (!(await portBound(lab, ns))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`dhcrelay in ${ns} exited (${child.exitCode ?? child.signalCode}): ${log.trim()}`);
    }
    if (Date.now() > deadline)
      throw new Error(`dhcrelay in ${ns} not bound to udp/67 after ${READY_TIMEOUT_MS} ms: ${log.trim()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, output: () => log };
}
