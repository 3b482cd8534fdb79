// `rackd check-config --ipam FILE`: validates the IPAM file exactly as the daemon would on start or SIGHUP,
// and prints a one-screen summary (exit 0) or every problem with its fix (exit 1). Opens no sockets.

import { parseArgs } from 'node:util';
import { loadIpamFile } from '../config/ipam-file.js';
import { DEFAULT_OPTIONS } from '../config/daemon-config.js';
import { ReservationIndex } from '../serving/reservation-index.js';
import { isSubnet4 } from '../../protocol/ipam/parse.js';
import type { Ipam, Subnet4Config } from '../../protocol/ipam/types.js';

const HELP = `usage: rackd check-config [--ipam FILE]

Validates the IPAM file (default ${DEFAULT_OPTIONS.ipam}); exit 0 when rackd would accept it, 1 when not.`;

/** The settings a subnet sets, named as in the file, so the summary reads against it. */
function settingsOf(subnet: Subnet4Config): string {
  const names: string[] = [];
  for (const key of [
    'server_ip',
    'gateway',
    'dns_servers',
    'domain',
    'search',
    'ntp_servers',
    'mtu',
    'lease_time',
    'routes',
  ] as const) {
    if (subnet[key] !== undefined) names.push(key);
  }
  if (subnet.boot !== undefined) names.push(`boot(${Object.keys(subnet.boot.files ?? {}).join(',') || 'no files'})`);
  if (subnet.disabled_boot_architectures?.length)
    names.push(`disabled:${subnet.disabled_boot_architectures.join(',')}`);
  if (subnet.options?.length) names.push(`options ${subnet.options.map((o) => o.code).join(',')}`);
  return names.length === 0 ? '(defaults only)' : names.join(' ');
}

function summary(path: string, ipam: Ipam): string[] {
  const index = ReservationIndex.build(ipam);
  const v4 = ipam.subnets.filter(isSubnet4);
  const v6 = ipam.subnets.filter((s) => !isSubnet4(s));
  const lines = [`${path}: OK`, `IPv4 subnets: ${v4.length}`];
  for (const subnet of v4) {
    const vid = subnet.vid === undefined ? 'untagged' : `vid ${subnet.vid}`;
    lines.push(
      `  ${subnet.cidr.padEnd(18)} ${vid.padEnd(9)} ${String(index.countIn(subnet.cidr)).padStart(7)} ` +
        `reservations  ${settingsOf(subnet)}`,
    );
  }
  lines.push(`IPv6 subnets: ${v6.length}`);
  for (const subnet of v6) lines.push(`  ${subnet.cidr}${subnet.vid === undefined ? '' : ` vid ${subnet.vid}`}`);
  const withClientId = ipam.reservations.filter((r) => r.client_id !== undefined).length;
  const withOptions = ipam.reservations.filter((r) => r.options?.length).length;
  const macs = new Set(ipam.reservations.map((r) => r.mac)).size;
  lines.push(
    `Reservations: ${ipam.reservations.length} (${macs} distinct MACs, ${withClientId} with client_id, ` +
      `${withOptions} with options)`,
  );
  return lines;
}

export async function checkConfig(argv: string[]): Promise<number> {
  let ipamPath: string;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { ipam: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    ipamPath = values.ipam ?? DEFAULT_OPTIONS.ipam;
  } catch (error) {
    console.error(`rackd check-config: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  const result = await loadIpamFile(ipamPath);
  if (result.ok) {
    console.log(summary(ipamPath, result.ipam).join('\n'));
    return 0;
  }
  for (const problem of result.problems) console.log(`${problem.path}: ${problem.message}`);
  const count = result.problems.length;
  console.log(`${ipamPath}: ${count} problem${count === 1 ? '' : 's'} — rackd would refuse this file`);
  return 1;
}
