// Text schemas of the fields entries share (PROTOCOL.md §3.2): times in milliseconds since the Unix epoch,
// revisions, ids. Decimal text because Redis stream values are strings and every language parses it the same.

import { z } from 'zod';

const decimal = (what: string, max: number) =>
  z.string({ error: `${what} is missing` }).transform((text, ctx) => {
    const value = /^(0|[1-9]\d{0,15})$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(value) || value > max) {
      ctx.issues.push({
        code: 'custom',
        message: `${what} must be a whole decimal number up to ${max}, got "${text}"`,
        input: text,
      });
      return z.NEVER;
    }
    return value;
  });

/** Milliseconds since 1970-01-01T00:00:00Z, UTC. */
export const epochMsText = decimal('a time in ms since the epoch', Number.MAX_SAFE_INTEGER);

/** Revisions start at 1; 0 means "nothing applied yet" and is never written. */
export const revisionText = decimal('a revision', Number.MAX_SAFE_INTEGER).refine(
  (n) => n >= 1,
  'revision starts at 1',
);

/** Request ids and snapshot ids: UUIDs or any short token of letters, digits and hyphens. */
export const tokenText = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,64}$/, 'must be 1–64 letters, digits or hyphens (a UUID fits)');

export const epochMs = z.number().int().nonnegative();
