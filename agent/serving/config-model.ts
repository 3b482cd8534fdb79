// The region config as served (PROTOCOL.md §4.2 deltas on a §4.3 snapshot): reservation puts and deletes go into
// the live overlay in O(1) after the same placement and uniqueness rules as the IPAM file; subnet changes rebuild.

import { parseIpam, isSubnet4 } from '../../protocol/ipam/parse.js';
import type { Ipam, Reservation, Subnet4Config, Subnet6Config } from '../../protocol/ipam/types.js';
import type { ConfigChange } from '../../protocol/region/config-entries.js';
import { cidrContains, ipv4ToNumber, parseCidr4 } from '../../protocol/net/ipv4-address.js';
import type { Cidr4 } from '../../protocol/net/ipv4-address.js';
import { columnsOf } from '../../protocol/ipam/columnar/columnar-ipam.js';
import type { ColumnsIndex } from '../../protocol/ipam/columnar/columns-index.js';
import { ReservationColumns } from '../../protocol/ipam/columnar/reservation-columns.js';
import { LiveReservations } from './live-reservations.js';
import { runToEnd } from '../../protocol/ipam/slices.js';
import { reservedAddresses } from '../../protocol/ipam/reserved-addresses.js';
import type { PlacedReservation } from './live-reservations.js';
import type { ServedConfig } from './served-config.js';

/** Why a change was not applied: the field (inside the entry's `data`) and a message naming the fix. */
export interface ChangeProblem {
  field: string;
  message: string;
}

export type ChangeOutcome = { ok: true; mac?: string; ip?: string } | ({ ok: false } & ChangeProblem);

interface Subnet4Slot {
  config: Subnet4Config;
  cidr: Cidr4;
  /** reservedAddresses() of the subnet, the IPAM file's rule. */
  taken: Map<number, string>;
}

function slotOf(config: Subnet4Config): Subnet4Slot | undefined {
  const cidr = parseCidr4(config.cidr);
  return cidr === undefined ? undefined : { config, cidr, taken: reservedAddresses(config, cidr) };
}

/**
 * One generation of subnets with a LiveReservations under it. `serving` is what DHCPv4, DHCPv6 and discovery read
 * per packet: reservation deltas mutate its index in place, subnet changes and folds replace it.
 */
export class ConfigModel {
  private readonly slots: Subnet4Slot[];
  private live: LiveReservations;
  serving: ServedConfig;

  /** `reservations` builds the columns keyed by the given IPv4 CIDRs (this model's, in `subnets` order). */
  private constructor(
    readonly subnets: readonly (Subnet4Config | Subnet6Config)[],
    reservations: (cidrs: readonly string[]) => ReservationColumns,
    keys?: ColumnsIndex,
  ) {
    const v4 = subnets.filter(isSubnet4);
    const cidrs = v4.map((s) => s.cidr);
    this.slots = v4.flatMap((s) => slotOf(s) ?? []);
    this.live = LiveReservations.fromColumns(cidrs, reservations(cidrs), keys);
    this.serving = this.servingConfig();
  }

  /** `ipam` has passed parseIpam, which fills every reservation's `subnet`. */
  static fromIpam(ipam: Ipam): ConfigModel {
    const columnar = columnsOf(ipam);
    if (columnar !== undefined) return ConfigModel.fromColumns(ipam.subnets, columnar.columns, columnar.keys);
    return new ConfigModel(ipam.subnets, (cidrs) => ReservationColumns.fromReservations(cidrs, ipam.reservations));
  }

  /**
   * Reservations already validated with these subnets (a checksummed state file rackd wrote from a validated
   * model): no re-validation. Columns keyed by another subnet order are re-keyed.
   */
  static fromColumns(
    subnets: readonly (Subnet4Config | Subnet6Config)[],
    columns: ReservationColumns,
    keys?: ColumnsIndex,
  ): ConfigModel {
    const rekey = (cidrs: readonly string[]) =>
      sameList(columns.subnets, cidrs)
        ? columns
        : LiveReservations.fromColumns(columns.subnets, columns).columns(undefined, cidrs);
    return new ConfigModel(subnets, rekey, keys);
  }

  static empty(): ConfigModel {
    return new ConfigModel([], (cidrs) => ReservationColumns.empty(cidrs));
  }

  private servingConfig(): ServedConfig {
    const live = this.live;
    return {
      subnets: this.subnets,
      index: live,
      get reservationCount() {
        return live.size;
      },
    };
  }

  get reservationCount(): number {
    return this.live.size;
  }

  get overlaySize(): number {
    return this.live.overlaySize;
  }

  reservations(): Iterable<PlacedReservation> {
    return this.live.entries();
  }

  /** Materialises every reservation: for RPC listings and tests; persistence uses `reservationColumns`. */
  toIpam(): Ipam {
    return { subnets: [...this.subnets], reservations: [...this.live.entries()] };
  }

  /**
   * Every current reservation as columns keyed by the v4 subnets (the base itself when there is no overlay), built
   * between packets (LiveReservations.columnsInSlices); with the base's index, which fits only the base.
   */
  reservationColumnsInSlices(): { columns: Generator<void, ReservationColumns>; baseKeys: ColumnsIndex | undefined } {
    return { columns: this.live.columnsInSlices(), baseKeys: this.live.baseKeys };
  }

  /** Moves the overlay into a new base. O(n): the caller runs it off the delta path, when the overlay is large. */
  fold(): void {
    runToEnd(this.foldInSlices());
  }

  /**
   * fold() a slice at a time (LiveReservations.foldInSlices): deltas applied between the slices are kept, and the
   * last step swaps the new store in, in the same synchronous call as it finishes replaying them.
   */
  foldInSlices(sliceRows?: number): Generator<void, void> {
    const from = this.live;
    const steps = from.foldInSlices(sliceRows);
    const swap = (folded: LiveReservations): void => {
      if (this.live !== from) return;
      this.live = folded;
      this.serving = this.servingConfig();
    };
    return (function* () {
      swap(yield* steps);
    })();
  }

  /**
   * Applies a delta: in place for reservations; a new model for subnet changes (returned, the caller swaps it in).
   * A snapshot is not a delta: build it with fromIpam.
   */
  apply(change: Exclude<ConfigChange, { type: 'snapshot' }>): { outcome: ChangeOutcome; next?: ConfigModel } {
    switch (change.type) {
      case 'put-reservation':
        return { outcome: this.putReservation(change.reservation) };
      case 'delete-reservation':
        return { outcome: this.deleteReservation(change.mac, change.subnet) };
      case 'put-subnet':
        return this.putSubnet(change.subnet);
      case 'delete-subnet':
        return this.deleteSubnet(change.cidr);
    }
  }

  private putReservation(reservation: Reservation): ChangeOutcome {
    const placed = this.place(reservation);
    if (!placed.ok) return placed;
    const subnet = placed.slot.config.cidr;
    const holder = this.live.byIp(reservation.ip);
    if (holder !== undefined && !(holder.mac === reservation.mac && holder.subnet === subnet)) {
      return {
        ok: false,
        field: 'data.ip',
        message:
          `${reservation.ip} is already reserved for ${holder.mac} in ${holder.subnet ?? subnet} — ` +
          `delete that reservation first; an address is given to one MAC`,
      };
    }
    const clientId = reservation.client_id;
    const idHolder = clientId === undefined ? undefined : this.live.byClientId(subnet, clientId);
    if (idHolder !== undefined && idHolder.mac !== reservation.mac) {
      return {
        ok: false,
        field: 'data.client_id',
        message:
          `client id ${clientId} is already used by ${idHolder.mac} in ${subnet} — client ids must be ` +
          `unique within a subnet`,
      };
    }
    this.live.put({ ...reservation, subnet });
    return { ok: true, mac: reservation.mac, ip: reservation.ip };
  }

  private place(reservation: Reservation): { ok: true; slot: Subnet4Slot } | ({ ok: false } & ChangeProblem) {
    const ip = ipv4ToNumber(reservation.ip);
    let slot = this.slots.find((s) => cidrContains(s.cidr, ip));
    if (reservation.subnet !== undefined) {
      const named = this.slots.find((s) => s.config.cidr === reservation.subnet);
      if (named === undefined)
        return {
          ok: false,
          field: 'data.subnet',
          message: `${reservation.subnet} is not an IPv4 subnet this rack has — publish the subnet first`,
        };
      if (!cidrContains(named.cidr, ip))
        return {
          ok: false,
          field: 'data.ip',
          message: `${reservation.ip} is outside its subnet ${reservation.subnet} — fix the address or the subnet`,
        };
      slot = named;
    }
    if (slot === undefined)
      return {
        ok: false,
        field: 'data.ip',
        message: `${reservation.ip} is in no subnet — publish a subnet containing it first`,
      };
    const taken = slot.taken.get(ip);
    if (taken !== undefined)
      return {
        ok: false,
        field: 'data.ip',
        message: `${reservation.ip} is ${taken} of ${slot.config.cidr} — reserve a free host address`,
      };
    return { ok: true, slot };
  }

  private deleteReservation(mac: string, subnet?: string): ChangeOutcome {
    const cidrs = subnet === undefined ? this.slots.map((s) => s.config.cidr) : [subnet];
    let ip: string | undefined;
    for (const cidr of cidrs) ip = this.live.remove(cidr, mac)?.ip ?? ip;
    return ip === undefined ? { ok: true, mac } : { ok: true, mac, ip };
  }

  /** Creates or replaces a subnet, keeping its reservations; the whole document is re-checked like the IPAM file. */
  private putSubnet(subnet: Subnet4Config | Subnet6Config): { outcome: ChangeOutcome; next?: ConfigModel } {
    const subnets = this.subnets.some((s) => s.cidr === subnet.cidr)
      ? this.subnets.map((s) => (s.cidr === subnet.cidr ? subnet : s))
      : [...this.subnets, subnet];
    const reservations = [...this.live.entries()];
    const parsed = parseIpam({ subnets, reservations });
    if (!parsed.ok) {
      const problem = parsed.problems[0];
      return {
        outcome: {
          ok: false,
          field: 'data',
          message: `subnet ${subnet.cidr} refused: ${problem?.path}: ${problem?.message}`,
        },
      };
    }
    return { outcome: { ok: true }, next: ConfigModel.fromIpam(parsed.ipam) };
  }

  /** The subnet's reservations go with it (PROTOCOL.md §4.2); deleting an absent subnet is a no-op. */
  private deleteSubnet(cidr: string): { outcome: ChangeOutcome; next?: ConfigModel } {
    if (!this.subnets.some((s) => s.cidr === cidr)) return { outcome: { ok: true } };
    const live = this.live;
    return {
      outcome: { ok: true },
      next: new ConfigModel(
        this.subnets.filter((s) => s.cidr !== cidr),
        (cidrs) => live.columns((subnet) => subnet !== cidr, cidrs),
      ),
    };
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
