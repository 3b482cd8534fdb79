// Static reservations that change while serving (RFC 2131 §4.3.1 lookups by client id, else chaddr): the big
// immutable ReservationIndex from the last snapshot as a base, and a small overlay of puts and deletes consulted first.

import type { Reservation } from '../../protocol/ipam/types.js';
import { ReservationIndex } from './reservation-index.js';

/** What the DHCPv4 policy needs from a reservation store; ReservationIndex and LiveReservations both fit. */
export interface ReservationLookup {
  byMac(subnetCidr: string, mac: string): Reservation | undefined;
  byClientId(subnetCidr: string, clientIdHex: string): Reservation | undefined;
  byIp(ip: string): Reservation | undefined;
  readonly size: number;
}

/** A reservation placed in its subnet: `subnet` is always set (parseIpam and the delta check fill it). */
export type PlacedReservation = Reservation & { subnet: string };

/** Overlay value: the replacement, or null for "deleted here, whatever the base says". */
type Slot = PlacedReservation | null;

const pairKey = (subnet: string, id: string) => `${subnet}|${id}`;

/**
 * Every mutation is one synchronous call, so a packet handler (same thread) sees the store before or after a
 * change, never half of it. Removing a reservation tombstones all three of its keys, so a base lookup can only
 * return a reservation that is still current.
 */
export class LiveReservations implements ReservationLookup {
  private readonly macs = new Map<string, Slot>();
  private readonly ips = new Map<string, Slot>();
  private readonly clientIds = new Map<string, Slot>();
  private count: number;

  /** `baseList` is what `base` was built from (every entry placed); kept to list and fold reservations. */
  constructor(private readonly base: ReservationIndex, private readonly baseList: readonly PlacedReservation[], readonly subnetCidrs: readonly string[]) {
    this.count = base.size;
  }

  static build(subnetCidrs: readonly string[], reservations: readonly PlacedReservation[]): LiveReservations {
    const subnets = subnetCidrs.map((cidr) => ({ cidr }));
    return new LiveReservations(ReservationIndex.build({ subnets, reservations: [...reservations] }), reservations, subnetCidrs);
  }

  byMac(subnetCidr: string, mac: string): Reservation | undefined {
    const hit = this.macs.get(pairKey(subnetCidr, mac));
    return hit === undefined ? this.base.byMac(subnetCidr, mac) : (hit ?? undefined);
  }

  byClientId(subnetCidr: string, clientIdHex: string): Reservation | undefined {
    const hit = this.clientIds.get(pairKey(subnetCidr, clientIdHex));
    return hit === undefined ? this.base.byClientId(subnetCidr, clientIdHex) : (hit ?? undefined);
  }

  byIp(ip: string): Reservation | undefined {
    const hit = this.ips.get(ip);
    return hit === undefined ? this.base.byIp(ip) : (hit ?? undefined);
  }

  get size(): number {
    return this.count;
  }

  /** Entries in the overlay: when this grows large, fold into a new base (see `fold`). */
  get overlaySize(): number {
    return this.macs.size + this.ips.size + this.clientIds.size;
  }

  /** Creates or replaces the reservation of (subnet, MAC). The caller has checked IP and client-id ownership. */
  put(reservation: PlacedReservation): void {
    this.remove(reservation.subnet, reservation.mac);
    this.macs.set(pairKey(reservation.subnet, reservation.mac), reservation);
    this.ips.set(reservation.ip, reservation);
    if (reservation.client_id !== undefined) this.clientIds.set(pairKey(reservation.subnet, reservation.client_id), reservation);
    this.count++;
  }

  /** Removes (subnet, MAC)'s reservation; returns it, or undefined when there was none. */
  remove(subnet: string, mac: string): Reservation | undefined {
    const current = this.byMac(subnet, mac);
    if (current === undefined) return undefined;
    this.macs.set(pairKey(subnet, mac), null);
    this.ips.set(current.ip, null);
    if (current.client_id !== undefined) this.clientIds.set(pairKey(subnet, current.client_id), null);
    this.count--;
    return current;
  }

  /** Every current reservation: the base's that the overlay did not replace or delete, then the overlay's puts. */
  *entries(): Generator<PlacedReservation> {
    for (const reservation of this.baseList) {
      if (!this.macs.has(pairKey(reservation.subnet, reservation.mac))) yield reservation;
    }
    for (const slot of this.macs.values()) if (slot !== null) yield slot;
  }

  /** A new store with everything in its base: O(n), so run it when the overlay is large, not per delta. */
  fold(): LiveReservations {
    return LiveReservations.build(this.subnetCidrs, [...this.entries()]);
  }
}
