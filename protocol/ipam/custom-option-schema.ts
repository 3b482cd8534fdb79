// Custom DHCPv4 options in the IPAM file (RFC 2132 §2 code space, RFC 3942 site-specific 224–254) and the
// DHCPv6 ones (RFC 8415 §21). `value` is checked against `type` by one per-type schema table.

import { z } from 'zod';
import type { CustomOption, CustomOptionType, Subnet6Config } from './types.js';
import { optionDefByCode } from '../dhcp4/option-table.js';
import type { OptionType } from '../dhcp4/option-table.js';
import {
  domainSchema,
  hexSchema,
  integerIn,
  ipv4Schema,
  ipv6Schema,
  routeSchema,
  strictObject,
} from './field-schemas.js';

const U32_MAX = 0xffffffff;

const VALUE4: Record<CustomOptionType, z.ZodType<CustomOption['value']>> = {
  ipv4: ipv4Schema,
  'ipv4-list': z.array(ipv4Schema).min(1, { error: 'list at least one IPv4 address' }),
  u8: integerIn(0, 255, 'a u8 value'),
  u16: integerIn(0, 0xffff, 'a u16 value'),
  u32: integerIn(0, U32_MAX, 'a u32 value'),
  i32: integerIn(-0x80000000, 0x7fffffff, 'an i32 value'),
  bool: z.boolean({ error: 'a bool option takes true or false' }),
  string: z.string({ error: 'a string option takes a quoted string' }),
  hex: hexSchema,
  'u8-list': z.array(integerIn(0, 255, 'each u8 value')).min(1, { error: 'list at least one value' }),
  'u16-list': z.array(integerIn(0, 0xffff, 'each u16 value')).min(1, { error: 'list at least one value' }),
  'domain-list': z.array(domainSchema).min(1, { error: 'list at least one domain' }),
  'classless-routes': z.array(routeSchema).min(1, { error: 'list at least one {destination, gateway} route' }),
};

/** Codes the server fills itself: a config value would corrupt the framing or the conversation. */
const SERVER_OWNED4: ReadonlyMap<number, string> = new Map([
  [0, 'is the pad byte (RFC 2132 §3.1)'],
  [52, 'is option overload, which the encoder sets when options spill into file/sname (RFC 2132 §9.3)'],
  [53, 'is the DHCP message type, chosen by the server per request (RFC 2132 §9.6)'],
  [54, 'is the server identifier: set `server_ip` on the subnet instead (RFC 2132 §9.7)'],
  [55, 'is the client’s parameter request list and is never sent by a server (RFC 2132 §9.8)'],
  [57, 'is the client’s maximum message size and is never sent by a server (RFC 2132 §9.10)'],
  [255, 'is the end marker (RFC 2132 §3.2)'],
]);

/**
 * A custom type must put bytes on the wire that the option's own definition can read: the scalar
 * `ipv4` fits an `ipv4-list` option (a list of one), and `hex` fits anything.
 */
function fitsDefinition(defType: OptionType, type: CustomOptionType): boolean {
  return type === 'hex' || type === defType || defType === 'bytes' || `${type}-list` === defType;
}

const OPTION4_TYPES = Object.keys(VALUE4) as [CustomOptionType, ...CustomOptionType[]];

export const customOption4Schema = strictObject({
  code: integerIn(1, 254, 'option code'),
  type: z.enum(OPTION4_TYPES, { error: `type must be one of ${OPTION4_TYPES.join(', ')}` }),
  value: z.custom<CustomOption['value']>((v) => v !== undefined, {
    error: 'value is missing — add `value:` matching `type`',
  }),
}).transform((option, ctx): CustomOption => {
  const owned = SERVER_OWNED4.get(option.code);
  if (owned !== undefined) {
    ctx.issues.push({
      code: 'custom',
      path: ['code'],
      message: `option ${option.code} ${owned} — remove this option`,
      input: option.code,
    });
  }
  const def = optionDefByCode(option.code);
  if (def !== undefined && !fitsDefinition(def.type, option.type)) {
    const message = `option ${option.code} (${def.name}) is ${def.type} on the wire — use type ${def.type} or hex`;
    ctx.issues.push({ code: 'custom', path: ['type'], message, input: option.type });
  }
  const value = parseValue(VALUE4[option.type], option.value, ctx);
  return value === undefined ? z.NEVER : { ...option, value };
});

type Option6 = NonNullable<Subnet6Config['options']>[number];

const VALUE6: Record<Option6['type'], z.ZodType<Option6['value']>> = {
  hex: hexSchema,
  string: z.string({ error: 'a string option takes a quoted string' }),
  ipv6: ipv6Schema,
  'ipv6-list': z.array(ipv6Schema).min(1, { error: 'list at least one IPv6 address' }),
  u8: integerIn(0, 255, 'a u8 value'),
  u16: integerIn(0, 0xffff, 'a u16 value'),
  u32: integerIn(0, U32_MAX, 'a u32 value'),
};

/** DHCPv6 codes the server owns (RFC 8415 §21): identifiers, the request list, relay framing, status. */
const SERVER_OWNED6 = new Set([1, 2, 6, 9, 13]);

const OPTION6_TYPES = Object.keys(VALUE6) as [Option6['type'], ...Option6['type'][]];

export const customOption6Schema = strictObject({
  code: integerIn(1, 0xffff, 'option code'),
  type: z.enum(OPTION6_TYPES, { error: `type must be one of ${OPTION6_TYPES.join(', ')}` }),
  value: z.custom<Option6['value']>((v) => v !== undefined, {
    error: 'value is missing — add `value:` matching `type`',
  }),
}).transform((option, ctx): Option6 => {
  if (SERVER_OWNED6.has(option.code)) {
    const message = `DHCPv6 option ${option.code} is set by the server (RFC 8415 §21) — remove this option`;
    ctx.issues.push({ code: 'custom', path: ['code'], message, input: option.code });
  }
  const value = parseValue(VALUE6[option.type], option.value, ctx);
  return value === undefined ? z.NEVER : { ...option, value };
});

/** Parses `value` with its type's schema, re-homing the issues under `value`. */
function parseValue<V>(schema: z.ZodType<V>, value: unknown, ctx: z.core.$RefinementCtx): V | undefined {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    ctx.issues.push({ ...issue, path: ['value', ...issue.path], message: valueMessage(issue) } as z.core.$ZodRawIssue);
  }
  return undefined;
}

function valueMessage(issue: z.core.$ZodIssue): string {
  // Only zod's own wording for the value as a whole is replaced; nested ones are worded by issuesToProblems.
  if (issue.code !== 'invalid_type' || issue.path.length > 0 || !issue.message.startsWith('Invalid input'))
    return issue.message;
  return (
    `value must be ${issue.expected === 'array' ? 'a list' : `a ${issue.expected}`} for this type — fix ` +
    `\`value\` or \`type\``
  );
}
