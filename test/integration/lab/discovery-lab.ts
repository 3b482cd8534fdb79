// Shared pieces of the discovery integration tests: rackd with a `discovery:` section, a namespace
// holding many addresses (added with one `ip -batch`), and arping (Thomas Habets' 2.x) as the ARP peer.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from './lab.js';
import { startRackd } from './rackd.js';
import type { LogLine, RackdHandle } from './rackd.js';

export const DISCOVERY_TOOLS = ['ip', 'arping', 'tcpdump', 'node'];

/** Starts rackd serving `interfaces` with discovery on and the given `discovery:` settings. */
export async function startDiscoveryRackd(
  lab: Lab,
  ns: string,
  ipamYaml: string,
  interfaces: string[],
  discovery: Record<string, unknown>,
): Promise<RackdHandle> {
  const configPath = join(lab.tempDir('conf'), 'rackd.yaml');
  writeFileSync(configPath, JSON.stringify({ discovery: { enabled: true, ...discovery } }));
  const rackd = await startRackd(lab, ns, { ipamYaml, interfaces, extraArgs: ['--config', configPath] });
  await rackd.waitForEvent('discovery.ready');
  return rackd;
}

/** Adds every address to `ifname` in one `ip -batch` call (hundreds of `ip addr add` one by one take seconds). */
export async function addAddresses(lab: Lab, ns: string, ifname: string, cidrs: string[]): Promise<void> {
  const file = join(lab.tempDir('batch'), 'addrs');
  writeFileSync(file, cidrs.map((cidr) => `addr add ${cidr} dev ${ifname}\n`).join(''));
  const result = await lab.exec(ns, 'ip', ['-batch', file]);
  if (result.code !== 0) throw new Error(`ip -batch failed: ${result.stderr}`);
}

export interface ArpingOptions {
  /** Source IP of the request (`-S`). */
  from: string;
  /** Source MAC (`-s`), to stand in for a second machine. */
  mac?: string;
  vid?: number;
  target: string;
}

/** One ARP request from `ns` (whether it gets a reply does not matter here). */
export async function arping(lab: Lab, ns: string, ifname: string, opts: ArpingOptions): Promise<void> {
  const args = ['-q', '-c', '1', '-w', '0.3', '-i', ifname, '-S', opts.from];
  if (opts.mac !== undefined) args.push('-s', opts.mac);
  if (opts.vid !== undefined) args.push('-V', String(opts.vid));
  args.push(opts.target);
  const result = await lab.exec(ns, 'arping', args, { timeoutMs: 5_000 });
  if (result.code === null || result.stderr.includes('arping: '))
    throw new Error(`arping ${args.join(' ')} failed: ${result.stderr}`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until `count` lines match, or fails listing what did arrive. */
export async function waitForCount(
  rackd: RackdHandle,
  event: string,
  pred: (line: LogLine) => boolean,
  count: number,
  timeoutMs = 10_000,
): Promise<LogLine[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = rackd.events(event).filter(pred);
    if (lines.length >= count) return lines;
    if (Date.now() > deadline) throw new Error(`${lines.length} of ${count} "${event}" lines after ${timeoutMs} ms`);
    await sleep(100);
  }
}
