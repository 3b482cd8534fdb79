// Snapshot encoding (PROTOCOL.md §4.3): subnets travel in the signed head, reservations in JSON-array chunks whose
// SHA-256 digests the head lists, so a million reservations load in pieces and each piece is authenticated.

import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ColumnarIpam } from '../ipam/columnar/columnar-ipam.js';
import { ColumnsReader } from '../ipam/columnar/columns-reader.js';
import { parseIpam } from '../ipam/parse.js';
import type { Ipam } from '../ipam/types.js';
import { refuse } from './entry.js';
import type { Decoded } from './entry.js';
import { tokenText } from './fields.js';

/** Reservations per chunk: ~1 MB of JSON, small enough for one Redis reply, big enough to keep round trips few. */
export const DEFAULT_CHUNK_RESERVATIONS = 10_000;

/** The `data` of a snapshot entry. Subnets are validated with the reservations, by parseIpam, in decodeSnapshot. */
export const snapshotHeadSchema = z
  .object({
    /** Names the body list: `{prefix:config}:snapshot:<id>`. */
    id: tokenText,
    subnets: z.array(z.unknown(), { error: 'subnets must be a list' }),
    reservations: z.number().int().nonnegative(),
    chunks: z.number().int().nonnegative(),
    digests: z.array(z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256')),
  })
  .refine((head) => head.digests.length === head.chunks, {
    path: ['digests'],
    message: 'digests must list one SHA-256 per chunk',
  });

export type SnapshotHead = z.output<typeof snapshotHeadSchema>;

export interface EncodedSnapshot {
  head: SnapshotHead;
  /** Body chunks in order: RPUSH them to the body list before publishing the head. */
  chunks: string[];
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function encodeSnapshot(
  ipam: Ipam,
  id: string,
  chunkReservations = DEFAULT_CHUNK_RESERVATIONS,
): EncodedSnapshot {
  if (!Number.isInteger(chunkReservations) || chunkReservations < 1)
    throw new RangeError('chunkReservations must be a positive whole number');
  const chunks: string[] = [];
  for (let start = 0; start < ipam.reservations.length; start += chunkReservations) {
    chunks.push(JSON.stringify(ipam.reservations.slice(start, start + chunkReservations)));
  }
  const head = {
    id,
    subnets: ipam.subnets,
    reservations: ipam.reservations.length,
    chunks: chunks.length,
    digests: chunks.map(sha256Hex),
  };
  return { head: snapshotHeadSchema.parse(head), chunks };
}

/**
 * Checks every chunk against its digest, then the whole document with parseIpam (the same rules as the IPAM
 * file). A refusal names the field as `snapshot.chunks[3]` or `snapshot.reservations[31337].ip`.
 */
export function decodeSnapshot(head: SnapshotHead, chunks: readonly (string | Uint8Array)[]): Decoded<Ipam> {
  if (chunks.length !== head.chunks) {
    return refuse(
      'schema',
      'snapshot.chunks',
      `snapshot ${head.id} has ${chunks.length} body chunks, its head lists ${head.chunks}: the body expired ` +
        `or was cut short — load the latest snapshot`,
    );
  }
  const reservations: unknown[] = [];
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i] as string | Uint8Array;
    if (sha256Hex(chunk) !== head.digests[i]) {
      return refuse(
        'bad-signature',
        `snapshot.chunks[${i}]`,
        `snapshot ${head.id} chunk ${i} does not match the digest in its signed head`,
      );
    }
    const parsed = parseChunk(chunk, i);
    if (!parsed.ok) return parsed;
    for (const item of parsed.value) reservations.push(item);
  }
  if (reservations.length !== head.reservations) {
    return refuse(
      'schema',
      'snapshot.reservations',
      `snapshot ${head.id} holds ${reservations.length} reservations, its head says ${head.reservations}`,
    );
  }
  const result = parseIpam({ subnets: head.subnets, reservations });
  if (result.ok) return { ok: true, value: result.ipam };
  const first = result.problems[0];
  const more = result.problems.length > 1 ? ` (and ${result.problems.length - 1} more)` : '';
  return refuse(
    'schema',
    `snapshot.${first?.path ?? '(document)'}`,
    `snapshot.${first?.path}: ${first?.message}${more}`,
  );
}

/** Rows the reader allocates up front at most: the head's count is signed, but a typo there must not cost GBs. */
const MAX_PREALLOCATED = 1 << 22;

/**
 * decodeSnapshot's result as a ColumnarIpam, read chunk by chunk into columns so a million reservations never
 * exist as objects all at once. Anything it would refuse goes through decodeSnapshot, for the same refusal.
 */
export function decodeSnapshotColumns(head: SnapshotHead, chunks: readonly (string | Uint8Array)[]): Decoded<Ipam> {
  const reader =
    chunks.length === head.chunks
      ? ColumnsReader.forSubnets(head.subnets, Math.min(head.reservations, MAX_PREALLOCATED))
      : undefined;
  if (reader === undefined) return decodeSnapshot(head, chunks);
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i] as string | Uint8Array;
    if (sha256Hex(chunk) !== head.digests[i]) return decodeSnapshot(head, chunks);
    const parsed = parseChunk(chunk, i);
    if (!parsed.ok) return decodeSnapshot(head, chunks);
    for (const item of parsed.value) if (!reader.push(item)) return decodeSnapshot(head, chunks);
  }
  const read = reader.count === head.reservations ? reader.finish() : undefined;
  if (read === undefined) return decodeSnapshot(head, chunks);
  return { ok: true, value: new ColumnarIpam(reader.subnets, read.columns, read.keys) };
}

function parseChunk(chunk: string | Uint8Array, index: number): Decoded<unknown[]> {
  let value: unknown;
  try {
    value = JSON.parse(
      typeof chunk === 'string'
        ? chunk
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8'),
    );
  } catch (err) {
    return refuse(
      'schema',
      `snapshot.chunks[${index}]`,
      `snapshot chunk ${index} is not JSON: ${(err as Error).message}`,
    );
  }
  if (!Array.isArray(value))
    return refuse(
      'schema',
      `snapshot.chunks[${index}]`,
      `snapshot chunk ${index} must be a JSON array of reservations`,
    );
  return { ok: true, value };
}
