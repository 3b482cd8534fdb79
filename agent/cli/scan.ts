// `rackd scan`: an active ARP scan (RFC 826 requests) from this machine, without a daemon: opens its own
// capture, sends at the given rate, prints each host as it answers and a summary at the end.

import { parseArgs } from 'node:util';
import { ArpObserver, ARP_FILTER } from '../discovery/arp-observer.js';
import { ArpScanner, DEFAULT_RATE_PPS, SLOW_RATE_PPS } from '../discovery/arp-scanner.js';
import { BindingTable } from '../discovery/binding-table.js';
import { ConflictDetector } from '../discovery/conflict-detector.js';
import type { ScanHost } from '../discovery/events.js';
import { planScan } from '../discovery/scan-plan.js';
import { ScanRefused } from '../discovery/scan-targets.js';
import { readInterfaces } from '../net/interfaces.js';
import type { PacketPort } from '../net/packet-port.js';
import { PcapPort } from '../net/pcap-port.js';

const HELP = `usage: rackd scan [--interface NAME] [--rate PPS | --slow] [--wait MS] [--force] [--json] CIDR…

Sends an ARP request to every address of each CIDR and prints who answers (IP, MAC, VLAN).
  --interface NAME  scan from this interface (default: the one with an address in each CIDR)
  --rate PPS        requests per second (default ${DEFAULT_RATE_PPS})
  --slow            ${SLOW_RATE_PPS} requests per second, as nmap's slow mode
  --wait MS         how long to wait for replies after the last request (default 1000)
  --force           allow ranges larger than a /16, or no CIDR at all (every attached network)
  --json            one JSON object per host, then the summary, instead of text`;

const FLAGS = {
  interface: { type: 'string' },
  rate: { type: 'string' },
  slow: { type: 'boolean' },
  wait: { type: 'string' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function positive(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new ScanRefused(`${flag} ${text}: give a positive number`);
  return value;
}

function hostLine(host: ScanHost, json: boolean): string {
  if (json) return JSON.stringify(host);
  return `${host.ip}\t${host.mac}\t${host.interface}${host.vid === undefined ? '' : `\tvid ${host.vid}`}`;
}

export async function scan(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: FLAGS, strict: true, allowPositionals: true });
  } catch (error) {
    console.error(`rackd scan: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const ports = new Map<string, PacketPort>();
  try {
    const ratePps = values.slow ? SLOW_RATE_PPS : positive(values.rate, '--rate', DEFAULT_RATE_PPS);
    const waitMs = positive(values.wait, '--wait', 1000);
    const interfaces = (await readInterfaces()).filter((i) => i.name !== 'lo');
    const plan = planScan(
      { cidrs: positionals, interface: values.interface, force: values.force ?? false },
      interfaces,
    );
    const observer = new ArpObserver({
      table: new BindingTable(),
      conflicts: new ConflictDetector(),
      emit: () => undefined,
    });
    for (const name of new Set(plan.groups.map((g) => g.interface))) {
      const port = new PcapPort(name, { filter: ARP_FILTER });
      port.onFrame((frame) => observer.handleFrame(name, frame, Date.now()));
      ports.set(name, port);
    }
    const scanner = new ArpScanner(observer, (name, frame) => ports.get(name)?.send(frame));
    const summary = await scanner.scan({
      groups: plan.groups,
      ratePps,
      waitMs,
      onHost: (host) => console.log(hostLine(host, values.json ?? false)),
    });
    const { hosts: _hosts, ...rest } = summary;
    if (values.json) console.log(JSON.stringify({ summary: { cidrs: plan.cidrs, ...rest } }));
    else
      console.log(
        `# ${plan.cidrs.join(' ')}: ${summary.found} of ${summary.scanned} answered in ` +
          `${(summary.durationMs / 1000).toFixed(1)} s at ${summary.ratePps} pps`,
      );
    return 0;
  } catch (error) {
    if (error instanceof ScanRefused) {
      console.error(`rackd scan: ${error.message}`);
      return 2;
    }
    console.error(`rackd scan: ${(error as Error).message} (scanning needs CAP_NET_RAW, or root)`);
    return 1;
  } finally {
    for (const port of ports.values()) port.close();
    // The capture binding can keep a handle open after close(); a one-shot command must still end.
    setTimeout(() => process.exit(), 200).unref();
  }
}
