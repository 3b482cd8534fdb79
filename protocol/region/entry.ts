// The envelope every signed entry shares (PROTOCOL.md §3, §6): field names, the `v` version, the `sig` HMAC,
// and JSON-valued fields checked by zod; a refusal names the field so the error event can say what to fix.

import type { z } from 'zod';
import { issuesToProblems } from '../ipam/problem.js';
import { FIELD_NAME, SIG_FIELD, signFields, verifyFields } from './signing.js';
import { PROTOCOL_VERSION, versionProblem } from './version.js';

/** An entry's fields by name; values are UTF-8 text. */
export type EntryFields = Readonly<Record<string, string>>;

/** An entry as ioredis returns it (`[f1, v1, f2, v2, …]`) or as a hash reply (HGETALL). */
export type RawEntry = readonly string[] | EntryFields;

/**
 * Why an entry was refused. `unsigned`, `bad-signature` and `replay` (an authentic entry of an older history
 * played back) are security events; the others are the writer's bug or a version mismatch, reported as refusals
 * (PROTOCOL.md §7).
 */
export type RefusalKind = 'malformed' | 'version' | 'unsigned' | 'bad-signature' | 'schema' | 'replay';

export interface Refusal {
  ok: false;
  kind: RefusalKind;
  /** The field at fault, with a path into JSON values: `data.reservation.ip`, `sig`, `v`. */
  field: string;
  message: string;
}

export type Decoded<T> = { ok: true; value: T } | Refusal;

export function refuse(kind: RefusalKind, field: string, message: string): Refusal {
  return { ok: false, kind, field, message };
}

export function isSecurityRefusal(refusal: Refusal): boolean {
  return refusal.kind === 'unsigned' || refusal.kind === 'bad-signature' || refusal.kind === 'replay';
}

/** Refuses duplicate and ill-formed names: either would make the canonical form ambiguous. */
export function readFields(raw: RawEntry): Decoded<EntryFields> {
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  if (Array.isArray(raw) && raw.length % 2 !== 0)
    return refuse('malformed', '(entry)', 'odd number of field/value items');
  const pairs: [string, unknown][] = Array.isArray(raw) ? toPairs(raw as readonly string[]) : Object.entries(raw);
  for (const [name, value] of pairs) {
    if (!FIELD_NAME.test(name))
      return refuse('malformed', name, `field name "${name}" is not allowed: names are 1–32 of a-z 0-9 _ -`);
    if (typeof value !== 'string') return refuse('malformed', name, `field ${name} is not text`);
    if (name in fields) return refuse('malformed', name, `field ${name} appears twice`);
    fields[name] = value;
  }
  return { ok: true, value: fields };
}

function toPairs(flat: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i] as string, flat[i + 1] as string]);
  return pairs;
}

/**
 * Checks, in this order, so unauthenticated bytes are never parsed further than their names and version:
 * field names, `v` major, `sig` present, `sig` valid for `channel` (the key the entry was read from).
 */
export function openEntry(raw: RawEntry, secret: Uint8Array, channel: string): Decoded<EntryFields> {
  const read = readFields(raw);
  if (!read.ok) return read;
  const fields = read.value;
  const badVersion = versionProblem(fields.v);
  if (badVersion !== undefined) return refuse('version', 'v', badVersion);
  if (fields[SIG_FIELD] === undefined)
    return refuse('unsigned', SIG_FIELD, `unsigned entry in ${channel}: every entry must carry an HMAC in sig`);
  if (!verifyFields(secret, channel, fields)) {
    return refuse(
      'bad-signature',
      SIG_FIELD,
      `signature does not match for ${channel}: wrong secret, tampered field, or an entry copied from another key`,
    );
  }
  return { ok: true, value: fields };
}

/** Adds `v` and `sig`; the result is the flat list XADD/HSET take. */
export function sealEntry(fields: Record<string, string>, secret: Uint8Array, channel: string): string[] {
  const withVersion: Record<string, string> = { v: PROTOCOL_VERSION, ...fields };
  const sig = signFields(secret, channel, withVersion);
  const flat: string[] = [];
  for (const [name, value] of Object.entries(withVersion)) flat.push(name, value);
  flat.push(SIG_FIELD, sig);
  return flat;
}

/** `field` + a path inside its JSON value: `data.ip`, `events[3].mac`. */
export function joinPath(field: string, inner: string): string {
  if (inner === '(document)' || inner === '') return field;
  return inner.startsWith('[') ? `${field}${inner}` : `${field}.${inner}`;
}

/** The first problem as a refusal, an unknown key named as its own path (the IPAM problem wording). */
export function schemaRefusal(field: string, error: z.ZodError): Refusal {
  const problem = issuesToProblems(error.issues, [])[0];
  if (problem === undefined) return refuse('schema', field, `${field} is invalid`);
  const path = joinPath(field, problem.path);
  return refuse('schema', path, `${path}: ${problem.message}`);
}

/** Validates a text field with `schema`; a missing field is named. */
export function textField<S extends z.ZodType>(fields: EntryFields, name: string, schema: S): Decoded<z.output<S>> {
  const result = schema.safeParse(fields[name]);
  if (result.success) return { ok: true, value: result.data };
  if (fields[name] === undefined) return refuse('schema', name, `field ${name} is missing`);
  return schemaRefusal(name, result.error);
}

/** Parses a JSON-valued field and validates it with `schema`. */
export function jsonField<S extends z.ZodType>(fields: EntryFields, name: string, schema: S): Decoded<z.output<S>> {
  const text = fields[name];
  if (text === undefined) return refuse('schema', name, `field ${name} is missing`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return refuse('schema', name, `field ${name} is not JSON: ${(err as Error).message}`);
  }
  const result = schema.safeParse(value);
  return result.success ? { ok: true, value: result.data } : schemaRefusal(name, result.error);
}
