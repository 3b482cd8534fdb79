// Shapes of Redis stream replies (XRANGE, XREAD, XREADGROUP, XAUTOCLAIM) as ioredis hands them over under
// RESP2, RESP3 with legacy mapping (flat key/value list) or RESP3 maps, normalised to one form.

export interface StreamEntry {
  id: string;
  /** Flat `[field, value, …]`; null for an entry deleted while pending (XREADGROUP of a PEL). */
  fields: string[] | null;
}

function isEntryList(value: unknown): value is unknown[] {
  return Array.isArray(value) && value.every((e) => Array.isArray(e) && typeof e[0] === 'string');
}

/** XRANGE / XREVRANGE / one stream's entries. */
export function entriesReply(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply)) return [];
  return reply.map((item) => {
    const [id, fields] = item as [unknown, unknown];
    return { id: String(id), fields: Array.isArray(fields) ? fields.map(String) : null };
  });
}

/** XREAD / XREADGROUP: stream key → entries; an empty map for a nil (timed out) reply. */
export function streamsReply(reply: unknown): Map<string, StreamEntry[]> {
  const out = new Map<string, StreamEntry[]>();
  if (reply === null || reply === undefined) return out;
  if (Array.isArray(reply)) {
    const nested = reply.every(
      (r) => Array.isArray(r) && r.length === 2 && typeof r[0] === 'string' && isEntryList(r[1]),
    );
    if (nested) {
      for (const [key, entries] of reply as [string, unknown][]) out.set(key, entriesReply(entries));
    } else {
      for (let i = 0; i + 1 < reply.length; i += 2) out.set(String(reply[i]), entriesReply(reply[i + 1]));
    }
    return out;
  }
  if (typeof reply === 'object') {
    for (const [key, entries] of Object.entries(reply as Record<string, unknown>)) out.set(key, entriesReply(entries));
  }
  return out;
}

/** XAUTOCLAIM: next cursor, claimed entries, ids deleted from the stream while pending (Redis ≥ 7). */
export function autoclaimReply(reply: unknown): { cursor: string; entries: StreamEntry[]; deleted: string[] } {
  const [cursor, entries, deleted] = Array.isArray(reply) ? reply : [];
  return {
    cursor: String(cursor ?? '0-0'),
    entries: entriesReply(entries),
    deleted: Array.isArray(deleted) ? deleted.map(String) : [],
  };
}

/** HGETALL under any mapping: a flat list or an object. */
export function hashReply(reply: unknown): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
  } else if (reply !== null && typeof reply === 'object') {
    for (const [k, v] of Object.entries(reply as Record<string, unknown>)) out[k] = String(v);
  }
  return out;
}
