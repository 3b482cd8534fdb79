// Field-level schemas for the IPAM file: addresses (RFC 4632, RFC 4291), MACs, client ids (RFC 2132 §9.14),
// domain names (RFC 1035 §2.3.1). Each refusal names the fix; each accepted spelling is normalised here.

import { z } from 'zod';
import { formatCidr4, isIpv4, numberToIpv4, parseCidr4 } from '../net/ipv4-address.js';
import { isMac, normaliseMac } from '../net/mac.js';
import { formatCidr6, isIpv6, parseCidr6 } from './ipv6-text.js';

/** A string schema that refuses with `message(value)` when `test` fails. */
export function textRule(test: (text: string) => boolean, message: (text: string) => string): z.ZodString {
  return z.string().check((ctx) => {
    if (!test(ctx.value)) ctx.issues.push({ code: 'custom', message: message(ctx.value), input: ctx.value });
  });
}

/** An integer in [min, max]; the message names the range so the fix is obvious. */
export function integerIn(min: number, max: number, what: string): z.ZodNumber {
  return z.number().check((ctx) => {
    const v = ctx.value;
    if (!Number.isInteger(v) || v < min || v > max) {
      ctx.issues.push({
        code: 'custom',
        message: `${what} must be a whole number from ${min} to ${max}, got ${v}`,
        input: v,
      });
    }
  });
}

/**
 * z.strictObject whose unknown-key issue lists one message line per key, with a spelling suggestion:
 * unknown keys are refused (not stripped) so that a typo like `gatway:` cannot silently drop a setting.
 */
export function strictObject<S extends z.ZodRawShape>(shape: S): z.ZodObject<S, z.core.$strict> {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys' ? iss.keys.map((k) => unknownField(k, known)).join('\n') : undefined,
  });
}

function unknownField(key: string, known: string[]): string {
  const near = known.find((k) => editDistance(k, key) <= 2);
  const hint = near === undefined ? `remove it (known fields: ${known.join(', ')})` : `did you mean "${near}"?`;
  return `unknown field "${key}" — ${hint}`;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

export const ipv4Schema = textRule(
  isIpv4,
  (v) => `"${v}" is not an IPv4 address — write a dotted quad such as 10.20.0.1`,
);

export const ipv6Schema = textRule(isIpv6, (v) => `"${v}" is not an IPv6 address — write it like 2001:db8::1`);

/**
 * IPv4 CIDR. A prefix with host bits set (10.20.0.1/24) is refused rather than normalised: it is usually an
 * interface address pasted in, or a wrong prefix length (10.20.1.0/16 meant as /24); silently serving the
 * wider network would hide that, and the message gives the exact network to write instead.
 */
export const cidr4Schema = z.string().transform((text, ctx) => {
  const cidr = parseCidr4(text);
  if (cidr === undefined) {
    ctx.issues.push({
      code: 'custom',
      message: `"${text}" is not an IPv4 CIDR — write it like 10.20.0.0/24`,
      input: text,
    });
    return z.NEVER;
  }
  const canonical = formatCidr4(cidr);
  if (text.slice(0, text.indexOf('/')) !== numberToIpv4(cidr.network)) {
    ctx.issues.push({
      code: 'custom',
      message: `${text} has host bits set — write the network address ${canonical}`,
      input: text,
    });
    return z.NEVER;
  }
  return canonical;
});

/** IPv6 prefix; host bits refused as for IPv4; output in RFC 5952 canonical form. */
export const cidr6Schema = z.string().transform((text, ctx) => {
  const cidr = parseCidr6(text);
  if (cidr === undefined) {
    ctx.issues.push({
      code: 'custom',
      message: `"${text}" is not an IPv6 prefix — write it like 2001:db8:20::/64`,
      input: text,
    });
    return z.NEVER;
  }
  const canonical = formatCidr6(cidr);
  if (cidr.hostBits !== 0n) {
    ctx.issues.push({
      code: 'custom',
      message: `${text} has host bits set — write the prefix ${canonical}`,
      input: text,
    });
    return z.NEVER;
  }
  return canonical;
});

export const macSchema = textRule(
  isMac,
  (v) => `"${v}" is not a MAC address — write six hex pairs like 52:54:00:12:34:56`,
).transform(normaliseMac);

// YAML reads unquoted `0152540012` as a number (dropping the leading zero), so say to quote it.
const QUOTE_HEX = 'hex must be a quoted string, like "01:52:54:00:12:34:57" — unquoted digits are read as a number';

const HEX_PAIRS = /^(?:[0-9a-f]{2}(?:[:-][0-9a-f]{2})*|(?:[0-9a-f]{2})*)$/i;

/** Hex bytes as `0a0b0c`, `0a:0b:0c` or `0a-0b-0c`; undefined when not whole bytes. */
export function hexBytes(text: string): string[] | undefined {
  if (!HEX_PAIRS.test(text)) return undefined;
  return text.toLowerCase().replace(/[:-]/g, '').match(/../g) ?? [];
}

/** Option 61 (RFC 2132 §9.14): at least two bytes; normalised to lower-case colon hex. */
export const clientIdSchema = z.string({ error: QUOTE_HEX }).transform((text, ctx) => {
  const bytes = hexBytes(text);
  if (bytes === undefined || bytes.length < 2) {
    const message =
      `"${text}" is not a client id — write at least two hex bytes, like "01:52:54:00:12:34:57" ` + `(type 01 + MAC)`;
    ctx.issues.push({ code: 'custom', message, input: text });
    return z.NEVER;
  }
  return bytes.join(':');
});

/** Raw option bytes: normalised to contiguous lower-case hex, ready for Buffer.from(value, 'hex'). */
export const hexSchema = z.string({ error: QUOTE_HEX }).transform((text, ctx) => {
  const bytes = hexBytes(text);
  if (bytes === undefined) {
    ctx.issues.push({
      code: 'custom',
      message: `"${text}" is not hex bytes — write pairs like "0a0b0c" or "0a:0b:0c"`,
      input: text,
    });
    return z.NEVER;
  }
  return bytes.join('');
});

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** RFC 1035 §2.3.1 preferred syntax (with RFC 1123 digits first); a trailing dot is accepted and dropped. */
export function isDomainName(text: string): boolean {
  const name = text.endsWith('.') ? text.slice(0, -1) : text;
  return name.length > 0 && name.length <= 253 && name.split('.').every((label) => LABEL.test(label));
}

export const domainSchema = textRule(
  isDomainName,
  (v) => `"${v}" is not a domain name — use letters, digits, hyphens and dots`,
).transform((v) => (v.endsWith('.') ? v.slice(0, -1) : v));

export const hostnameSchema = textRule(
  isDomainName,
  (v) => `"${v}" is not a valid hostname — use letters, digits and hyphens`,
);

/** RFC 3442 route; the destination's host bits are refused for the same reason as a subnet's. */
export const routeSchema = strictObject({ destination: cidr4Schema, gateway: ipv4Schema });
