// Rules between entries of an IPAM document: subnets never overlap (RFC 4632 prefixes), and each reservation
// sits in exactly one IPv4 subnet, on a host address, unique by IP, by (subnet, MAC) and (subnet, client id).

import { cidrContains, parseCidr4 } from '../net/ipv4-address.js';
import type { Cidr4 } from '../net/ipv4-address.js';
import type { Reservation, Subnet4Config, Subnet6Config } from './types.js';
import { parseCidr6 } from './ipv6-text.js';
import type { IpamProblem } from './problem.js';
import { hashText, ipKey, macKey } from './compact-keys.js';
import { PairHashTable } from './pair-hash-table.js';
import { reservedAddresses } from './reserved-addresses.js';

export interface Indexed<T> {
  /** Position in the document, for problem paths. */
  index: number;
  value: T;
}

interface Span<N> {
  index: number;
  cidr: string;
  first: N;
  last: N;
}

/**
 * Any overlap is refused, whatever the vids: a reservation is placed by its address, so an address inside
 * two subnets (even the same prefix on two VLANs) would have no single subnet to be served on.
 */
function overlaps<N extends number | bigint>(spans: Span<N>[], problems: IpamProblem[]): void {
  spans.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : a.index - b.index));
  let widest: Span<N> | undefined;
  for (const span of spans) {
    if (widest !== undefined && span.first <= widest.last) {
      // Blame the later entry in the file: the earlier one was there first.
      const [earlier, later] = widest.index < span.index ? [widest, span] : [span, widest];
      const message =
        `${later.cidr} overlaps subnets[${earlier.index}] (${earlier.cidr}) — subnets must not ` +
        `overlap, even on different vids`;
      problems.push({ path: `subnets[${later.index}].cidr`, message });
    }
    if (widest === undefined || span.last > widest.last) widest = span;
  }
}

export function checkSubnets(subnets: Indexed<Subnet4Config | Subnet6Config>[]): IpamProblem[] {
  const problems: IpamProblem[] = [];
  const v4: Span<number>[] = [];
  const v6: Span<bigint>[] = [];
  for (const { index, value } of subnets) {
    const c4 = parseCidr4(value.cidr);
    if (c4 !== undefined) v4.push({ index, cidr: value.cidr, first: c4.network, last: (c4.network | ~c4.mask) >>> 0 });
    const c6 = c4 === undefined ? parseCidr6(value.cidr) : undefined;
    if (c6 !== undefined) v6.push({ index, cidr: value.cidr, first: c6.network, last: c6.last });
  }
  overlaps(v4, problems);
  overlaps(v6, problems);
  return problems;
}

interface Placed {
  index: number;
  subnet: Subnet4Config;
  cidr: Cidr4;
  /** reservedAddresses() of the subnet. */
  taken: Map<number, string>;
}

/** Finds a subnet by address in one map probe per distinct prefix length (subnets do not overlap). */
class SubnetFinder {
  private readonly byLength = new Map<number, Map<number, Placed>>();
  readonly byCidr = new Map<string, Placed>();

  constructor(subnets: Indexed<Subnet4Config>[]) {
    for (const { index, value } of subnets) {
      const cidr = parseCidr4(value.cidr);
      if (cidr === undefined) continue;
      const placed: Placed = { index, subnet: value, cidr, taken: reservedAddresses(value, cidr) };
      let level = this.byLength.get(cidr.prefixLength);
      if (level === undefined) this.byLength.set(cidr.prefixLength, (level = new Map()));
      if (!level.has(cidr.network)) level.set(cidr.network, placed);
      if (!this.byCidr.has(value.cidr)) this.byCidr.set(value.cidr, placed);
    }
  }

  find(address: number): Placed | undefined {
    for (const level of this.byLength.values()) {
      const first = level.values().next().value;
      if (first === undefined) continue;
      const hit = level.get((address & first.cidr.mask) >>> 0);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }
}

/**
 * Places each reservation in its subnet (filling `subnet` when it was left out) and checks the rules.
 * `subnetsComplete` is false when some subnet failed its own checks: placement is then skipped, since
 * "in no subnet" would blame the reservation for the broken subnet.
 */
export function checkReservations(
  subnets: Indexed<Subnet4Config>[],
  reservations: Indexed<Reservation>[],
  subnetsComplete: boolean,
): IpamProblem[] {
  const problems: IpamProblem[] = [];
  const finder = new SubnetFinder(subnets);
  // Typed-array tables, not Maps of strings: a million reservations must validate in well under a second.
  const byIp = new PairHashTable(reservations.length);
  const byMac = new PairHashTable(reservations.length);
  const byClientId = new PairHashTable(reservations.length);
  const subnetOf = new Int32Array(reservations.length).fill(-1);
  reservations.forEach(({ index, value }, position) => {
    const at = (field: string) => `reservations[${index}].${field}`;
    const ip = ipKey(value.ip);
    const holder = byIp.find(0, ip);
    if (holder >= 0) {
      problems.push({
        path: at('ip'),
        message:
          `${value.ip} is already reserved by reservations[${reservations[holder]?.index}] — reserve ` +
          `each address once`,
      });
    } else {
      byIp.insert(0, ip, position);
    }
    if (!subnetsComplete) return;
    const placed = place(finder, value, ip, at, problems);
    if (placed === undefined) return;
    value.subnet = placed.subnet.cidr;
    subnetOf[position] = placed.index;
    const sameSubnet = (other: number) => subnetOf[other] === placed.index;
    const mac = macKey(value.mac) ?? 0;
    const macOwner = byMac.find(Math.floor(mac / 2 ** 32), mac >>> 0, sameSubnet);
    if (macOwner >= 0) {
      problems.push({
        path: at('mac'),
        message:
          `${value.mac} already has a reservation in ${placed.subnet.cidr} ` +
          `(reservations[${reservations[macOwner]?.index}]) — one MAC may hold one reservation per subnet`,
      });
    } else {
      byMac.insert(Math.floor(mac / 2 ** 32), mac >>> 0, position);
    }
    const clientId = value.client_id;
    if (clientId === undefined) return;
    const cidOwner = byClientId.find(
      placed.index,
      hashText(clientId),
      (other) => reservations[other]?.value.client_id === clientId,
    );
    if (cidOwner >= 0) {
      problems.push({
        path: at('client_id'),
        message:
          `client id ${clientId} is already used in ${placed.subnet.cidr} ` +
          `(reservations[${reservations[cidOwner]?.index}]) — client ids must be unique within a subnet`,
      });
    } else {
      byClientId.insert(placed.index, hashText(clientId), position);
    }
  });
  return problems;
}

function place(
  finder: SubnetFinder,
  reservation: Reservation,
  ip: number,
  at: (field: string) => string,
  problems: IpamProblem[],
): Placed | undefined {
  let placed = finder.find(ip);
  if (reservation.subnet !== undefined) {
    const named = finder.byCidr.get(reservation.subnet);
    if (named === undefined) {
      problems.push({
        path: at('subnet'),
        message: `${reservation.subnet} is not an IPv4 subnet in this file — use a listed cidr or drop \`subnet\``,
      });
      return undefined;
    }
    if (!cidrContains(named.cidr, ip)) {
      problems.push({
        path: at('ip'),
        message: `${reservation.ip} is outside its subnet ${reservation.subnet} — fix the address or the subnet`,
      });
      return undefined;
    }
    placed = named;
  }
  if (placed === undefined) {
    problems.push({
      path: at('ip'),
      message: `${reservation.ip} is in no subnet — add a subnet containing it or fix the address`,
    });
    return undefined;
  }
  const taken = placed.taken.get(ip);
  if (taken !== undefined) {
    problems.push({
      path: at('ip'),
      message: `${reservation.ip} is ${taken} of ${placed.subnet.cidr} — reserve a free host address`,
    });
    return undefined;
  }
  return placed;
}
