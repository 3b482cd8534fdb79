// What rackctl prints: one line per published revision, the racks table (PROTOCOL.md §7.1) and one JSON line
// per event (§5.2). Pure functions of their inputs, so the unit tests pin the text operators and scripts read.

import type { DeliveredEntry } from '../../../protocol/region/event-consumer.js';
import type { PublishResult, RackInfo } from '../../../protocol/region/region-client.js';
import type { IpamProblem } from '../../../protocol/ipam/problem.js';

/** Past this many entries a rack that re-syncs replays a long stream: the region should publish a snapshot. */
export const SNAPSHOT_HINT_STREAM_LENGTH = 10_000;

/** The stream id's first part is Redis's clock at XADD: the moment racks can see the change. */
export function publishedAt(entryId: string): number {
  return Number(entryId.split('-')[0]);
}

export function formatPublished(what: string, result: PublishResult): string[] {
  const lines = [`published revision ${result.revision} (${what}): epoch ${result.epoch}, entry ${result.entryId}`];
  if (result.streamLength > SNAPSHOT_HINT_STREAM_LENGTH) {
    lines.push(
      `note: the config stream holds ${result.streamLength} entries; publish a snapshot (rackctl snapshot ` +
        `push) so racks that re-sync replay less`,
    );
  }
  return lines;
}

export function formatProblems(problems: readonly IpamProblem[], source: string): string[] {
  const count = problems.length;
  return [
    ...problems.map((p) => `${p.path}: ${p.message}`),
    `${source}: ${count} problem${count === 1 ? '' : 's'}; nothing was published`,
  ];
}

function ago(ms: number): string {
  if (ms < 0) return 'now';
  if (ms < 60_000) return `${Math.round(ms / 1000)}s ago`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)}m ago`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)}h ago`;
  return `${Math.round(ms / 86_400_000)}d ago`;
}

/** Columns sized to their widest cell; an offline rack shows its last heartbeat, a bad status hash its problem. */
export function formatRacksTable(racks: readonly RackInfo[], now: number): string[] {
  if (racks.length === 0) return ['no racks have sent a heartbeat under this prefix'];
  const header = ['RACK', 'STATE', 'REVISION', 'VERSION', 'UP SINCE', 'LAST SEEN'];
  const rows = racks.map((r) => [
    r.rack,
    r.online ? (r.status?.state ?? 'invalid-status') : 'offline',
    r.status === undefined ? '-' : String(r.status.revision),
    r.status?.version ?? '-',
    r.status === undefined ? '-' : new Date(r.status.started).toISOString(),
    ago(now - r.lastSeen),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const problems = racks.filter((r) => r.problem !== undefined).map((r) => `${r.rack}: status refused: ${r.problem}`);
  return [line(header), ...rows.map(line), ...problems];
}

export function racksJson(racks: readonly RackInfo[]): string {
  return JSON.stringify(
    racks.map((r) => ({
      rack: r.rack,
      online: r.online,
      last_seen: r.lastSeen,
      ...(r.status ? { status: r.status } : {}),
      ...(r.problem ? { problem: r.problem } : {}),
    })),
  );
}

/**
 * One JSON line per fresh event on stdout (the stream entry id alongside, for correlating with Redis); what a
 * reader refused or skipped goes to stderr so `| jq` keeps working.
 */
export function formatDelivered(entry: DeliveredEntry): { out: string[]; err: string[] } {
  const out = entry.events.map((event) => JSON.stringify({ entry: entry.id, ...event }));
  const err: string[] = [];
  if (entry.refused)
    err.push(`entry ${entry.id} refused (${entry.refused.kind}) at ${entry.refused.field}: ${entry.refused.message}`);
  for (const s of entry.skipped)
    err.push(`entry ${entry.id}${entry.rack ? ` from ${entry.rack}` : ''}: event skipped at ${s.field}: ${s.message}`);
  if (entry.duplicates > 0)
    err.push(
      `entry ${entry.id}: ${entry.duplicates} duplicate event${entry.duplicates === 1 ? '' : 's'} ` +
        `(idempotency key already delivered) dropped`,
    );
  return { out, err };
}
