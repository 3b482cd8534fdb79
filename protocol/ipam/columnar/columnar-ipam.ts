// An IPAM document (subnets + RFC 2131 §4.3.1 static reservations) whose reservations are held as columns: what a
// verified snapshot or state file decodes to, so a million reservations reach the index without a million objects.

import type { ColumnsIndex } from './columns-index.js';
import type { ReservationColumns } from './reservation-columns.js';
import type { Ipam, Reservation, Subnet4Config, Subnet6Config } from '../types.js';

/** Validated: its columns passed the same rules as parseIpam. `reservations` materialises on first read only. */
export class ColumnarIpam implements Ipam {
  private list: Reservation[] | undefined;

  /** `keys`: the columns' index when the validator built it already, so the server does not build it again. */
  constructor(
    readonly subnets: (Subnet4Config | Subnet6Config)[],
    readonly columns: ReservationColumns,
    readonly keys?: ColumnsIndex,
  ) {}

  get reservations(): Reservation[] {
    this.list ??= [...this.columns.entries()];
    return this.list;
  }
}

/** The columns behind `ipam` when it is a ColumnarIpam, so a consumer that can use them skips the objects. */
export function columnsOf(ipam: Ipam): { columns: ReservationColumns; keys?: ColumnsIndex } | undefined {
  return ipam instanceof ColumnarIpam ? { columns: ipam.columns, keys: ipam.keys } : undefined;
}
