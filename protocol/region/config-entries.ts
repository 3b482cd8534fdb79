// Config entries (PROTOCOL.md §4): a snapshot or one delta per revision, region → racks, signed and bound to the
// config stream. Subnets and reservations are the IPAM file's own shapes, checked by its schemas (protocol/ipam).

import { z } from 'zod';
import { cidr4Schema, cidr6Schema, macSchema } from '../ipam/field-schemas.js';
import { reservationSchema, subnetSchemaFor } from '../ipam/schema.js';
import type { Reservation, Subnet4Config, Subnet6Config } from '../ipam/types.js';
import { jsonField, openEntry, schemaRefusal, sealEntry, textField } from './entry.js';
import type { Decoded, EntryFields, RawEntry, Refusal } from './entry.js';
import { epochMsText, revisionText, tokenText } from './fields.js';
import { snapshotHeadSchema } from './snapshot.js';
import type { SnapshotHead } from './snapshot.js';

export const CONFIG_CHANGE_TYPES = [
  'snapshot',
  'put-subnet',
  'delete-subnet',
  'put-reservation',
  'delete-reservation',
] as const;
export type ConfigChangeType = (typeof CONFIG_CHANGE_TYPES)[number];

/** What a change does; `ConfigEntry` adds the epoch, revision and time every entry carries. */
export type ConfigChange =
  | { type: 'snapshot'; snapshot: SnapshotHead }
  | { type: 'put-subnet'; subnet: Subnet4Config | Subnet6Config }
  | { type: 'delete-subnet'; cidr: string }
  | { type: 'put-reservation'; reservation: Reservation }
  /** Without `subnet`, the MAC's reservations in every subnet go. */
  | { type: 'delete-reservation'; mac: string; subnet?: string };

export type ConfigEntry = ConfigChange & {
  /** Names one revision history: a new one starts when the region's Redis data is lost (PROTOCOL.md §4.1). */
  epoch: string;
  revision: number;
  time: number;
};

/** Where a reader is: the history and revision it has applied (revision 0, no epoch: nothing yet). */
export interface AppliedRevision {
  epoch?: string;
  revision: number;
}

/**
 * A config refusal. `revision` is set when the entry was authentic but invalid: the rack records that revision
 * as consumed (its state unchanged) so the next delta is not mistaken for a gap (PROTOCOL.md §4.4).
 */
export type ConfigRefusal = Refusal & { epoch?: string; revision?: number };

const cidrSchema = z.string().transform((text, ctx) => {
  const result = (text.includes(':') ? cidr6Schema : cidr4Schema).safeParse(text);
  if (!result.success) {
    ctx.issues.push({ code: 'custom', message: result.error.issues[0]?.message ?? 'not a CIDR', input: text });
    return z.NEVER;
  }
  return result.data;
});

export const deleteSubnetDataSchema = z.object({ cidr: cidrSchema });
export const deleteReservationDataSchema = z.object({ mac: macSchema, subnet: cidr4Schema.optional() });
const typeSchema = z.enum(CONFIG_CHANGE_TYPES, { error: `type must be one of ${CONFIG_CHANGE_TYPES.join(', ')}` });

/** The `data` field of each change type, as it is written (the inverse of dataSchema). */
function changeData(change: ConfigChange): unknown {
  switch (change.type) {
    case 'snapshot':
      return change.snapshot;
    case 'put-subnet':
      return change.subnet;
    case 'delete-subnet':
      return { cidr: change.cidr };
    case 'put-reservation':
      return change.reservation;
    case 'delete-reservation':
      return change.subnet === undefined ? { mac: change.mac } : { mac: change.mac, subnet: change.subnet };
  }
}

/** Fields of a config entry, ready for XADD to `channel` (the config stream key). */
export function encodeConfigEntry(entry: ConfigEntry, secret: Uint8Array, channel: string): string[] {
  return sealEntry(
    {
      type: entry.type,
      epoch: entry.epoch,
      rev: String(entry.revision),
      ts: String(entry.time),
      data: JSON.stringify(changeData(entry)),
    },
    secret,
    channel,
  );
}

/**
 * Verifies, version-checks and validates one config entry read from `channel`. Whether its revision is next,
 * stale or past a gap is the reader's state: see `revisionAction`.
 */
export function decodeConfigEntry(
  raw: RawEntry,
  secret: Uint8Array,
  channel: string,
): { ok: true; value: ConfigEntry } | ConfigRefusal {
  const opened = openEntry(raw, secret, channel);
  if (!opened.ok) return opened;
  const fields = opened.value;
  const epoch = textField(fields, 'epoch', tokenText);
  if (!epoch.ok) return epoch;
  const revision = textField(fields, 'rev', revisionText);
  if (!revision.ok) return revision;
  const refused = (refusal: Refusal): ConfigRefusal => ({ ...refusal, epoch: epoch.value, revision: revision.value });
  const type = textField(fields, 'type', typeSchema);
  if (!type.ok) return refused(type);
  const time = textField(fields, 'ts', epochMsText);
  if (!time.ok) return refused(time);
  const change = decodeChange(type.value, fields);
  if (!change.ok) return refused(change);
  return { ok: true, value: { ...change.value, epoch: epoch.value, revision: revision.value, time: time.value } };
}

function decodeChange(type: ConfigChangeType, fields: EntryFields): Decoded<ConfigChange> {
  switch (type) {
    case 'snapshot': {
      const data = jsonField(fields, 'data', snapshotHeadSchema);
      return data.ok ? { ok: true, value: { type, snapshot: data.value } } : data;
    }
    case 'put-subnet':
      return decodeSubnet(fields);
    case 'delete-subnet': {
      const data = jsonField(fields, 'data', deleteSubnetDataSchema);
      return data.ok ? { ok: true, value: { type, cidr: data.value.cidr } } : data;
    }
    case 'put-reservation': {
      const data = jsonField(fields, 'data', reservationSchema);
      return data.ok ? { ok: true, value: { type, reservation: data.value } } : data;
    }
    case 'delete-reservation': {
      const data = jsonField(fields, 'data', deleteReservationDataSchema);
      if (!data.ok) return data;
      const { mac, subnet } = data.value;
      return { ok: true, value: subnet === undefined ? { type, mac } : { type, mac, subnet } };
    }
  }
}

/** A subnet's family is read from its cidr first, so the IPv4 or IPv6 schema names the right fields. */
function decodeSubnet(fields: EntryFields): Decoded<ConfigChange> {
  const raw = jsonField(fields, 'data', z.unknown());
  if (!raw.ok) return raw;
  const result = subnetSchemaFor(raw.value).safeParse(raw.value);
  if (!result.success) return schemaRefusal('data', result.error);
  return { ok: true, value: { type: 'put-subnet', subnet: result.data } };
}

/** The creation time (ms) an epoch token carries as its base-36 prefix (PROTOCOL.md §4.1), or undefined. */
export function epochTime(epoch: string): number | undefined {
  const match = /^([0-9a-z]{1,11})-/.exec(epoch);
  if (match === null) return undefined;
  const time = parseInt(match[1] as string, 36);
  return Number.isSafeInteger(time) ? time : undefined;
}

/**
 * Whether `entry` belongs to a history that replaces `applied`'s: only one created later does (the region makes a
 * new epoch when its Redis lost the old one). An older or unordered epoch is a recorded entry played back.
 */
function newerEpoch(applied: AppliedRevision, entry: Pick<ConfigEntry, 'epoch'>): boolean {
  if (applied.epoch === undefined) return true;
  const before = epochTime(applied.epoch);
  const after = epochTime(entry.epoch);
  return before === undefined || (after !== undefined && after > before);
}

/**
 * The re-sync rule (PROTOCOL.md §4.4) for a reader at `applied`: `apply` the next revision of its epoch, or a
 * snapshot that is newer in its epoch or from a newer epoch; `skip` what is already applied; `resync` (load the
 * latest snapshot) after a gap, or for a delta of a newer epoch; `replay` (refuse, keep serving) for anything of
 * an older epoch: config never goes back, whoever wrote to Redis.
 */
export function revisionAction(
  applied: AppliedRevision,
  entry: Pick<ConfigEntry, 'type' | 'epoch' | 'revision'>,
): 'apply' | 'skip' | 'resync' | 'replay' {
  if (applied.epoch !== entry.epoch) {
    if (!newerEpoch(applied, entry)) return 'replay';
    return entry.type === 'snapshot' ? 'apply' : 'resync';
  }
  if (entry.revision <= applied.revision) return 'skip';
  if (entry.type === 'snapshot') return 'apply';
  return entry.revision === applied.revision + 1 ? 'apply' : 'resync';
}
