// Reads reservations one at a time into columns with parseIpam's rules (RFC 2131 §4.3.1 keys unique, RFC 2132
// §9.14 client ids): a million pass through with only one chunk of objects alive, so garbage collection stays cheap.

import { cidrContains, parseCidr4, prefixToMask } from '../../net/ipv4-address.js';
import type { Cidr4 } from '../../net/ipv4-address.js';
import { ColumnsIndex } from './columns-index.js';
import { ipKey } from '../compact-keys.js';
import { isSubnet4, parseIpam } from '../parse.js';
import { ColumnsBuilder } from './reservation-columns.js';
import type { ReservationColumns } from './reservation-columns.js';
import { readSimpleReservation } from '../reservation-fast-path.js';
import { reservationSchema } from '../schema.js';
import { reservedAddresses } from '../reserved-addresses.js';
import type { Reservation, Subnet4Config, Subnet6Config } from '../types.js';

interface Placement {
  cidr: Cidr4;
  text: string;
  /** reservedAddresses() of the subnet: no reservation may take them. */
  taken: ReadonlyMap<number, string>;
}

function placementOf(subnet: Subnet4Config): Placement | undefined {
  const cidr = parseCidr4(subnet.cidr);
  if (cidr === undefined) return undefined;
  return { cidr, text: subnet.cidr, taken: reservedAddresses(subnet, cidr) };
}

/**
 * Accepts exactly what parseIpam accepts, and stores what it would output; it only says yes or no. On no, the
 * caller runs parseIpam over the whole document for the problems and their messages.
 */
export class ColumnsReader {
  /** Subnets do not overlap (parseIpam checked): one probe per distinct prefix length finds an address's. */
  private readonly byLength = new Map<number, Map<number, Placement>>();
  private readonly byCidr = new Map<string, Placement>();
  private readonly builder: ColumnsBuilder;
  private ok = true;
  private read = 0;

  /** undefined when the subnets themselves have problems (parseIpam names them). */
  static forSubnets(subnets: unknown, expected: number): ColumnsReader | undefined {
    const parsed = parseIpam({ subnets, reservations: [] });
    return parsed.ok ? new ColumnsReader(parsed.ipam.subnets, expected) : undefined;
  }

  private constructor(
    readonly subnets: (Subnet4Config | Subnet6Config)[],
    expected: number,
  ) {
    const v4 = subnets.filter(isSubnet4);
    for (const p of v4.flatMap((s) => placementOf(s) ?? [])) {
      if (!this.byCidr.has(p.text)) this.byCidr.set(p.text, p);
      let level = this.byLength.get(p.cidr.prefixLength);
      if (level === undefined) this.byLength.set(p.cidr.prefixLength, (level = new Map()));
      if (!level.has(p.cidr.network)) level.set(p.cidr.network, p);
    }
    this.builder = new ColumnsBuilder(
      v4.map((s) => s.cidr),
      expected,
    );
  }

  /** Reservations pushed so far, valid or not. */
  get count(): number {
    return this.read;
  }

  /** False once any reservation was refused: stop pushing and fall back to parseIpam. */
  push(input: unknown): boolean {
    this.read++;
    if (!this.ok) return false;
    const reservation = this.readSimple(input) ?? schemaRead(input);
    const subnet = reservation === undefined ? undefined : this.place(reservation);
    if (reservation === undefined || subnet === undefined) return (this.ok = false);
    reservation.subnet = subnet;
    return (this.ok = this.builder.add(reservation));
  }

  /** The columns and their index; undefined when anything was refused, uniqueness included. */
  finish(): { columns: ReservationColumns; keys: ColumnsIndex } | undefined {
    if (!this.ok) return undefined;
    const columns = this.builder.finish();
    const keys = new ColumnsIndex(columns);
    return keys.duplicates === 0 && keys.duplicateClientIds === 0 ? { columns, keys } : undefined;
  }

  /**
   * readSimpleReservation, minus its cost of re-parsing a `subnet` that is exactly one of this document's
   * (normalised) CIDRs: the snapshot publisher fills `subnet` in every reservation, so that is the common case.
   */
  private readSimple(input: unknown): Reservation | undefined {
    const subnet = typeof input === 'object' && input !== null ? (input as { subnet?: unknown }).subnet : undefined;
    if (typeof subnet !== 'string' || !this.byCidr.has(subnet)) return readSimpleReservation(input);
    const { subnet: _, ...rest } = input as Record<string, unknown>;
    const reservation = readSimpleReservation(rest);
    if (reservation !== undefined) reservation.subnet = subnet;
    return reservation;
  }

  private find(ip: number): Placement | undefined {
    for (const [length, level] of this.byLength) {
      const hit = level.get((ip & prefixToMask(length)) >>> 0);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }

  private place(reservation: Reservation): string | undefined {
    const ip = ipKey(reservation.ip);
    const placed = reservation.subnet !== undefined ? this.byCidr.get(reservation.subnet) : this.find(ip);
    if (placed === undefined || !cidrContains(placed.cidr, ip) || placed.taken.has(ip)) return undefined;
    return placed.text;
  }
}

function schemaRead(input: unknown): Reservation | undefined {
  const result = reservationSchema.safeParse(input);
  return result.success ? result.data : undefined;
}
