// The applied base on disk (PROTOCOL.md §4.4): applied.json, a checksummed header naming a binary columns file and
// its SHA-256 (format 2), read back only when both digests match; format 1 (one JSON document) is still read.

import { readFile, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isSubnet4, parseIpam } from '../../protocol/ipam/parse.js';
import type { IpamProblem } from '../../protocol/ipam/parse.js';
import { ColumnsIndex } from '../../protocol/ipam/columnar/columns-index.js';
import { ReservationColumns } from '../../protocol/ipam/columnar/reservation-columns.js';
import type { Subnet4Config, Subnet6Config } from '../../protocol/ipam/types.js';
import { sha256Hex } from '../../protocol/region/snapshot.js';
import { columnsSections, decodeColumns } from './applied-binary.js';
import type { AppliedBase, AppliedPosition, AppliedStateOptions, BaseToWrite } from './applied-types.js';
import { betweenPackets, writeAtomically, writeColumnsFile } from './state-files.js';

/** 1: one JSON document, re-validated at load. 2: a JSON header naming a binary columns file and its SHA-256. */
const FORMAT = 2;
const BIN_FILE = /^applied-[0-9a-f]{16}\.bin$/;
const BIN_OR_TMP = /^applied-([0-9a-f]{16}|new)\.bin(\.tmp)?$/;

/** Why the base on disk is not served. */
export interface BaseRefusal {
  reason: string;
  problems?: IpamProblem[];
}

/** The applied.json of format 2: small, so a restart parses only this and checks the digests. */
interface BaseHeader extends AppliedPosition {
  format: 2;
  subnets: (Subnet4Config | Subnet6Config)[];
  reservations: { file: string; count: number; bytes: number; sha256: string };
  /** SHA-256 of this header's JSON without the field itself: a torn or edited header is refused too. */
  sha256?: string;
}

/** `text` is applied.json as read from `dir`; a columns file that cannot be read throws. */
export async function readBase(dir: string, text: string): Promise<AppliedBase | BaseRefusal> {
  let doc: { format?: number; revision?: unknown; ipam?: unknown } & Partial<AppliedBase>;
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch {
    return { reason: 'applied.json is not JSON' };
  }
  if (typeof doc.revision !== 'number') return { reason: 'applied.json has no revision' };
  if (doc.format === 1) return readLegacy(doc);
  if (doc.format !== FORMAT)
    return { reason: `applied.json is format ${String(doc.format)}, this rackd reads 1 and 2` };
  const header = doc as unknown as BaseHeader;
  const { sha256, ...rest } = header;
  if (sha256 !== sha256Hex(JSON.stringify(rest))) return { reason: 'applied.json does not match its checksum' };
  const { file, bytes, count, sha256: binSha } = header.reservations;
  if (!BIN_FILE.test(file)) return { reason: `applied.json names ${file}` };
  const bin = await readFile(join(dir, file));
  if (bin.length !== bytes || sha256Hex(bin) !== binSha)
    return { reason: `${file} does not match the checksum in applied.json` };
  const decoded = decodeColumns(bin);
  if (typeof decoded === 'string') return { reason: `${file}: ${decoded}` };
  const { columns, keys } = decoded;
  if (columns.count !== count)
    return { reason: `${file} holds ${columns.count} reservations, applied.json says ${count}` };
  return {
    epoch: header.epoch,
    revision: header.revision,
    entryId: header.entryId,
    appliedAt: header.appliedAt,
    subnets: header.subnets,
    reservations: columns,
    keys,
  };
}

/** Format 1 (one JSON document, from an older rackd): validated again, as it always was. */
function readLegacy(doc: { ipam?: unknown } & Partial<AppliedPosition>): AppliedBase | BaseRefusal {
  const parsed = parseIpam(doc.ipam);
  if (!parsed.ok) return { reason: 'applied.json (format 1) is invalid', problems: parsed.problems.slice(0, 5) };
  const { subnets, reservations } = parsed.ipam;
  const cidrs = subnets.filter(isSubnet4).map((s) => s.cidr);
  return {
    epoch: doc.epoch,
    revision: doc.revision ?? 0,
    entryId: doc.entryId ?? '0-0',
    appliedAt: doc.appliedAt,
    subnets,
    reservations: ReservationColumns.fromReservations(cidrs, reservations),
  };
}

/**
 * The columns file first, then the header naming it at `basePath` (the switch is the header's rename), then old
 * files go. `state` is a snapshot (its columns are immutable), so the index and the file are built between packets:
 * built in one piece, they would hold up the packet loop for as long as the whole build takes.
 */
export async function writeBase(
  options: Pick<AppliedStateOptions, 'dir' | 'onBaseWritten'>,
  basePath: string,
  state: BaseToWrite,
): Promise<void> {
  const started = performance.now();
  const reservations =
    state.reservations instanceof ReservationColumns ? state.reservations : await betweenPackets(state.reservations);
  const keys =
    state.keys?.columns === reservations ? state.keys : await betweenPackets(ColumnsIndex.building(reservations));
  const { file, bytes, sha256 } = await writeColumnsFile(options.dir, columnsSections(reservations, keys));
  const header: BaseHeader = {
    format: FORMAT,
    epoch: state.epoch,
    revision: state.revision,
    entryId: state.entryId,
    appliedAt: state.appliedAt,
    subnets: state.subnets,
    reservations: { file, count: reservations.count, bytes, sha256 },
  };
  await writeAtomically(basePath, JSON.stringify({ ...header, sha256: sha256Hex(JSON.stringify(header)) }));
  options.onBaseWritten?.({
    revision: state.revision,
    reservations: reservations.count,
    bytes,
    ms: Math.round(performance.now() - started),
  });
  // Older bases, and a tmp file a kill left behind mid-write: only the file the header names is ever read.
  for (const name of await readdir(options.dir)) {
    if (BIN_OR_TMP.test(name) && name !== file) await unlink(join(options.dir, name)).catch(() => undefined);
  }
}
