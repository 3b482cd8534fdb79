// Schemas of one IPv4 subnet (RFC 2132 options it configures), one IPv6 subnet (RFC 8415 stateless) and one
// reservation. Checks between documents' entries (overlap, placement, uniqueness) live in cross-checks.ts.

import { z } from 'zod';
import { cidrContains, ipv4ToNumber, parseCidr4 } from '../net/ipv4-address.js';
import { BOOT_ARCHITECTURES } from './types.js';
import type { BootArchitecture, Reservation, Subnet4Config, Subnet6Config } from './types.js';
import { customOption4Schema, customOption6Schema } from './custom-option-schema.js';
import {
  cidr4Schema,
  cidr6Schema,
  clientIdSchema,
  domainSchema,
  hostnameSchema,
  integerIn,
  ipv4Schema,
  ipv6Schema,
  macSchema,
  routeSchema,
  strictObject,
} from './field-schemas.js';

const ARCH_NAMES = Object.keys(BOOT_ARCHITECTURES) as [BootArchitecture, ...BootArchitecture[]];
const archSchema = z.enum(ARCH_NAMES, { error: `boot architecture must be one of ${ARCH_NAMES.join(', ')}` });
const bootFile = z.string().min(1, { error: 'boot file name is empty — name the file or drop the entry' });

const httpUrlSchema = z.string().check((ctx) => {
  if (!/^https?:\/\/[^\s/]+\/\S*$/.test(ctx.value)) {
    ctx.issues.push({
      code: 'custom',
      message: `"${ctx.value}" is not an http(s) URL — write it like http://10.20.0.2/bootx64.efi`,
      input: ctx.value,
    });
  }
});

const scriptUrlSchema = z.string().check((ctx) => {
  if (!/^(https?|tftp):\/\/[^\s/]+\/\S*$/.test(ctx.value)) {
    ctx.issues.push({
      code: 'custom',
      message: `"${ctx.value}" is not an http(s) or tftp URL — write it like http://10.20.0.2/boot.ipxe`,
      input: ctx.value,
    });
  }
});

const bootFilesSchema = strictObject(
  Object.fromEntries(ARCH_NAMES.map((a) => [a, bootFile.optional()])) as Record<
    BootArchitecture,
    z.ZodOptional<typeof bootFile>
  >,
);

const bootSchema = strictObject({
  next_server: ipv4Schema.optional(),
  files: bootFilesSchema.optional(),
  http_url: httpUrlSchema.optional(),
  ipxe: strictObject({ files: bootFilesSchema.optional(), script: scriptUrlSchema }).optional(),
});

const list = <T extends z.ZodType>(item: T) => z.array(item);

export const subnet4Schema = strictObject({
  cidr: cidr4Schema,
  vid: integerIn(1, 4094, 'vid (802.1Q VLAN id)').optional(),
  server_ip: ipv4Schema.optional(),
  gateway: ipv4Schema.optional(),
  dns_servers: list(ipv4Schema).optional(),
  domain: domainSchema.optional(),
  search: list(domainSchema).optional(),
  ntp_servers: list(ipv4Schema).optional(),
  mtu: integerIn(68, 65535, 'mtu (RFC 791 minimum 68)').optional(),
  lease_time: integerIn(60, 2 ** 31, 'lease_time in seconds').optional(),
  routes: list(routeSchema).optional(),
  boot: bootSchema.optional(),
  disabled_boot_architectures: list(archSchema).optional(),
  options: list(customOption4Schema).optional(),
}).superRefine((subnet, ctx) => {
  const cidr = parseCidr4(subnet.cidr);
  if (cidr === undefined) return;
  for (const field of ['gateway', 'server_ip'] as const) {
    const address = subnet[field];
    if (address === undefined) continue;
    const value = ipv4ToNumber(address);
    const broadcast = (cidr.network | ~cidr.mask) >>> 0;
    if (!cidrContains(cidr, value)) {
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message: `${address} is outside ${subnet.cidr} — ${field} must be an address in the subnet`,
      });
    } else if (cidr.prefixLength <= 30 && (value === cidr.network || value === broadcast)) {
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message: `${address} is the network or broadcast address of ${subnet.cidr} — pick a host address`,
      });
    }
  }
  duplicateCodes(subnet.options, ctx);
});

export const subnet6Schema = strictObject({
  cidr: cidr6Schema,
  vid: integerIn(1, 4094, 'vid (802.1Q VLAN id)').optional(),
  dns_servers: list(ipv6Schema).optional(),
  search: list(domainSchema).optional(),
  ntp_servers: list(ipv6Schema).optional(),
  info_refresh_time: integerIn(
    600,
    0xffffffff,
    'info_refresh_time in seconds (RFC 8415 §21.23 minimum 600)',
  ).optional(),
  options: list(customOption6Schema).optional(),
}).superRefine((subnet, ctx) => duplicateCodes(subnet.options, ctx));

/** A cidr containing ':' is IPv6; a subnet is checked against that family's schema only. */
export function subnetSchemaFor(input: unknown): typeof subnet4Schema | typeof subnet6Schema {
  const cidr = typeof input === 'object' && input !== null ? (input as { cidr?: unknown }).cidr : undefined;
  return typeof cidr === 'string' && cidr.includes(':') ? subnet6Schema : subnet4Schema;
}

export const reservationSchema = strictObject({
  mac: macSchema,
  ip: ipv4Schema,
  hostname: hostnameSchema.optional(),
  client_id: clientIdSchema.optional(),
  subnet: cidr4Schema.optional(),
  options: list(customOption4Schema).optional(),
}).superRefine((reservation, ctx) => duplicateCodes(reservation.options, ctx));

/** The top level; entries are parsed one by one so one bad entry does not hide problems in the others. */
export const ipamDocumentSchema = strictObject({
  subnets: z.array(z.unknown(), { error: 'subnets must be a list — write `subnets: []` when there are none' }),
  reservations: z.array(z.unknown(), { error: 'reservations must be a list' }).optional(),
});

function duplicateCodes(options: { code: number }[] | undefined, ctx: z.core.$RefinementCtx): void {
  const seen = new Set<number>();
  options?.forEach((option, i) => {
    if (seen.has(option.code)) {
      ctx.addIssue({
        code: 'custom',
        path: ['options', i, 'code'],
        message: `option ${option.code} is set twice — keep one`,
      });
    }
    seen.add(option.code);
  });
}

// The parsed shapes are exactly the shared types: a drift in either direction fails to compile.
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export const SCHEMA_MATCHES_TYPES: [
  Equals<z.output<typeof subnet4Schema>, Subnet4Config>,
  Equals<z.output<typeof subnet6Schema>, Subnet6Config>,
  Equals<z.output<typeof reservationSchema>, Reservation>,
] = [true, true, true];
