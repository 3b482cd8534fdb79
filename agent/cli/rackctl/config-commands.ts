// rackctl's config commands (PROTOCOL.md §4): snapshot push and the four deltas. Input is validated with the
// IPAM file's own schemas before anything is sent, and every problem is printed, as `rackd check-config` does.

import { readYamlFile } from '../../config/ipam-file.js';
import { parseIpam } from '../../../protocol/ipam/parse.js';
import type { Reservation, Subnet4Config, Subnet6Config } from '../../../protocol/ipam/types.js';
import { EXIT } from './context.js';
import type { CommandHandler } from './context.js';
import { integerFlag, stringFlag } from './args.js';
import type { OptionValues } from './args.js';
import { formatProblems, formatPublished } from './format.js';
import { SettingsError } from './connection.js';

export const snapshotPush: CommandHandler = async (ctx, { positionals }) => {
  const path = positionals[0] ?? '';
  const read = await readYamlFile(path);
  const parsed = read.ok ? parseIpam(read.value) : read;
  if (!parsed.ok) {
    for (const line of formatProblems(parsed.problems, path)) ctx.io.err(line);
    return EXIT.failed;
  }
  const { subnets, reservations } = parsed.ipam;
  const result = await (await ctx.client()).publishSnapshot(parsed.ipam);
  for (const line of formatPublished(
    `snapshot of ${path}: ${subnets.length} subnets, ${reservations.length} reservations`,
    result,
  ))
    ctx.io.out(line);
  return EXIT.ok;
};

/** Only the flags given, so the schema (not rackctl) decides what a reservation needs. */
export function reservationFromFlags(values: OptionValues): Reservation {
  const reservation: Record<string, string> = {};
  for (const [flag, key] of [
    ['mac', 'mac'],
    ['ip', 'ip'],
    ['hostname', 'hostname'],
    ['subnet', 'subnet'],
    ['client-id', 'client_id'],
  ] as const) {
    const value = stringFlag(values, flag);
    if (value !== undefined) reservation[key] = value;
  }
  return reservation as unknown as Reservation;
}

export const reservationPut: CommandHandler = async (ctx, { values }) => {
  const reservation = reservationFromFlags(values);
  const result = await (await ctx.client()).putReservation(reservation);
  for (const line of formatPublished(`put-reservation ${reservation.mac} → ${reservation.ip}`, result))
    ctx.io.out(line);
  return EXIT.ok;
};

export const reservationDelete: CommandHandler = async (ctx, { values }) => {
  const mac = stringFlag(values, 'mac') ?? '';
  const subnet = stringFlag(values, 'subnet');
  const result = await (await ctx.client()).deleteReservation(mac, subnet);
  for (const line of formatPublished(`delete-reservation ${mac}${subnet === undefined ? '' : ` in ${subnet}`}`, result))
    ctx.io.out(line);
  return EXIT.ok;
};

function numberFlag(values: OptionValues, name: string): number | undefined {
  const value = integerFlag(values, name);
  if (value instanceof Error) throw new SettingsError(value.message);
  return value;
}

/**
 * The subnet from --file (one YAML/JSON mapping, for options, boot and routes), with the simple flags over it.
 * Throws SettingsError for a usage problem; the subnet schema judges the result.
 */
export async function subnetFromInput(values: OptionValues): Promise<Subnet4Config | Subnet6Config> {
  let subnet: Record<string, unknown> = {};
  const file = stringFlag(values, 'file');
  if (file !== undefined) {
    const read = await readYamlFile(file);
    if (!read.ok) throw new SettingsError(read.problems.map((p) => `${p.path}: ${p.message}`).join('; '));
    if (typeof read.value !== 'object' || read.value === null || Array.isArray(read.value)) {
      throw new SettingsError(
        `${file} must hold one subnet as a mapping (cidr: …, gateway: …), not a list or a scalar`,
      );
    }
    subnet = { ...(read.value as Record<string, unknown>) };
  }
  const text: [string, string][] = [
    ['cidr', 'cidr'],
    ['gateway', 'gateway'],
    ['server-ip', 'server_ip'],
    ['domain', 'domain'],
  ];
  for (const [flag, key] of text) {
    const value = stringFlag(values, flag);
    if (value !== undefined) subnet[key] = value;
  }
  for (const [flag, key] of [
    ['vid', 'vid'],
    ['lease-time', 'lease_time'],
    ['mtu', 'mtu'],
  ] as const) {
    const value = numberFlag(values, flag);
    if (value !== undefined) subnet[key] = value;
  }
  const dns = stringFlag(values, 'dns-servers');
  if (dns !== undefined)
    subnet.dns_servers = dns
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (subnet.cidr === undefined) throw new SettingsError("'subnet put' needs --cidr (or a cidr: line in --file)");
  return subnet as unknown as Subnet4Config | Subnet6Config;
}

export const subnetPut: CommandHandler = async (ctx, { values }) => {
  const subnet = await subnetFromInput(values);
  const result = await (await ctx.client()).putSubnet(subnet);
  for (const line of formatPublished(`put-subnet ${subnet.cidr}`, result)) ctx.io.out(line);
  return EXIT.ok;
};

export const subnetDelete: CommandHandler = async (ctx, { values }) => {
  const cidr = stringFlag(values, 'cidr') ?? '';
  const result = await (await ctx.client()).deleteSubnet(cidr);
  for (const line of formatPublished(`delete-subnet ${cidr}`, result)) ctx.io.out(line);
  return EXIT.ok;
};

export const revision: CommandHandler = async (ctx) => {
  ctx.io.out(String(await (await ctx.client()).revision()));
  return EXIT.ok;
};
