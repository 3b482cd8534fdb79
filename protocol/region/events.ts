// Events a rack reports to the region (PROTOCOL.md §5.2): one schema per type, each with rack id, time and an
// idempotency key. DHCP fields follow RFC 2131/2132 names; untrusted names (hostnames, mDNS) nest under their key.

import { z } from 'zod';
import { ipv4Schema, ipv6Schema, macSchema } from '../ipam/field-schemas.js';
import { isValidRackId } from './keys.js';
import { epochMs } from './fields.js';

/** Idempotency key: unique per rack for the event's meaning (e.g. `unknown-client:<mac>:<minute>`) or a UUID. */
export const idempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9._:@/-]{1,128}$/, 'must be 1–128 of A-Z a-z 0-9 . _ : @ / -');
export const rackIdSchema = z.string().refine(isValidRackId, 'must be 1–64 of A-Z a-z 0-9 . _ -');
const ipText = z.string().min(2).max(45);
const interfaceName = z.string().min(1).max(15);
const vid = z.number().int().min(1).max(4094);
/** Received from the network: kept as text, bounded, never spread into a log object. */
const untrusted = z.string().max(255);

const base = { key: idempotencyKeySchema, rack: rackIdSchema, time: epochMs };
const where = { interface: interfaceName, vid: vid.optional() };

const DHCP_MESSAGE_TYPES = ['discover', 'offer', 'request', 'decline', 'ack', 'nak', 'release', 'inform'] as const;

export const unknownClientEventSchema = z.object({
  ...base,
  ...where,
  type: z.literal('unknown-client'),
  mac: macSchema,
  client_id: z.string().optional(),
  message_type: z.enum(DHCP_MESSAGE_TYPES),
  subnet: z.string().optional(),
  requested: z.object({ hostname: untrusted.optional(), vendor_class: untrusted.optional() }).optional(),
});

export const dhcpActivityEventSchema = z.object({
  ...base,
  ...where,
  type: z.literal('dhcp-activity'),
  mac: macSchema,
  ip: ipv4Schema,
  message_type: z.enum(DHCP_MESSAGE_TYPES),
  subnet: z.string().optional(),
  requested: z.object({ hostname: untrusted.optional(), vendor_class: untrusted.optional() }).optional(),
});

export const neighbourEventSchema = z.object({
  ...base,
  ...where,
  type: z.literal('neighbour'),
  mac: macSchema,
  ip: ipText,
  source: z.enum(['arp', 'ndp', 'dhcp']).optional(),
});

export const mdnsEventSchema = z.object({
  ...base,
  ...where,
  type: z.literal('mdns'),
  ip: ipText,
  mac: macSchema.optional(),
  names: z.array(untrusted).max(64),
});

/**
 * DHCPv4 (no `family`): IPv4 server identifier and MAC. DHCPv6 (`family: 6`, RFC 8415): link-local address; MAC only
 * from a DUID-LL/LLT.
 */
export const foreignDhcpEventSchema = z
  .object({
    ...base,
    ...where,
    type: z.literal('foreign-dhcp'),
    family: z.literal(6).optional(),
    server_ip: z.union([ipv4Schema, ipv6Schema]),
    server_mac: macSchema.optional(),
    offered_ip: ipv4Schema.optional(),
  })
  .superRefine((e, ctx) => {
    if (e.family === 6 && !ipv6Schema.safeParse(e.server_ip).success)
      ctx.addIssue({ code: 'custom', path: ['server_ip'], message: 'a DHCPv6 server_ip must be an IPv6 address' });
    if (e.family === undefined && !ipv4Schema.safeParse(e.server_ip).success)
      ctx.addIssue({
        code: 'custom',
        path: ['server_ip'],
        message: 'a DHCPv4 server_ip must be an IPv4 address (set family: 6 for DHCPv6)',
      });
    if (e.family === undefined && e.server_mac === undefined)
      ctx.addIssue({ code: 'custom', path: ['server_mac'], message: 'a DHCPv4 foreign server needs server_mac' });
  });

export const ipConflictEventSchema = z.object({
  ...base,
  ...where,
  type: z.literal('ip-conflict'),
  ip: ipText,
  macs: z.array(macSchema).min(2),
});

export const configRefusedEventSchema = z.object({
  ...base,
  type: z.literal('config-refused'),
  revision: z.number().int().nonnegative().optional(),
  entry_id: z.string().optional(),
  field: z.string(),
  message: z.string(),
});

export const securityEventSchema = z.object({
  ...base,
  type: z.literal('security'),
  reason: z.enum(['unsigned', 'bad-signature', 'replay', 'expired']),
  stream: z.string(),
  entry_id: z.string().optional(),
  field: z.string().optional(),
  message: z.string(),
});

export const interfacesChangedEventSchema = z.object({
  ...base,
  type: z.literal('interfaces-changed'),
  interfaces: z.array(
    z.object({ name: interfaceName, mac: macSchema.optional(), up: z.boolean(), addresses: z.array(z.string()) }),
  ),
});

export const rackEventSchema = z.discriminatedUnion('type', [
  unknownClientEventSchema,
  dhcpActivityEventSchema,
  neighbourEventSchema,
  mdnsEventSchema,
  foreignDhcpEventSchema,
  ipConflictEventSchema,
  configRefusedEventSchema,
  securityEventSchema,
  interfacesChangedEventSchema,
]);

export type RackEvent = z.output<typeof rackEventSchema>;
export type RackEventType = RackEvent['type'];
export type RackEventOf<T extends RackEventType> = Extract<RackEvent, { type: T }>;

export const RACK_EVENT_TYPES: readonly RackEventType[] = rackEventSchema.options.map((o) => o.shape.type.value);
