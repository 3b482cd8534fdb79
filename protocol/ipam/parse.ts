// Validates an IPAM document (already decoded from YAML/JSON) into the shared `Ipam` type, collecting every
// problem rather than stopping at the first, so one `check-config` run lists all the fixes an operator needs.

import { checkReservations, checkSubnets } from './cross-checks.js';
import type { Indexed } from './cross-checks.js';
import { issuesToProblems } from './problem.js';
import type { IpamProblem } from './problem.js';
import { readSimpleReservation } from './reservation-fast-path.js';
import { ipamDocumentSchema, reservationSchema, subnetSchemaFor } from './schema.js';
import type { Ipam, Reservation, Subnet4Config, Subnet6Config } from './types.js';

export type { IpamProblem } from './problem.js';

export type IpamParseResult = { ok: true; ipam: Ipam } | { ok: false; problems: IpamProblem[] };

export function isSubnet4(subnet: Subnet4Config | Subnet6Config): subnet is Subnet4Config {
  return !subnet.cidr.includes(':');
}

/**
 * Normalises as it validates: MACs and client ids to lower-case colon form, IPv6 prefixes to RFC 5952 text,
 * hex option values to contiguous lower case, and every reservation's `subnet` filled from its address.
 */
export function parseIpam(input: unknown): IpamParseResult {
  const top = ipamDocumentSchema.safeParse(input, { reportInput: true });
  if (!top.success) return { ok: false, problems: issuesToProblems(top.error.issues, []) };
  const problems: IpamProblem[] = [];

  const subnets: Indexed<Subnet4Config | Subnet6Config>[] = [];
  top.data.subnets.forEach((raw, index) => {
    const result = subnetSchemaFor(raw).safeParse(raw, { reportInput: true });
    if (result.success) subnets.push({ index, value: result.data });
    else problems.push(...issuesToProblems(result.error.issues, ['subnets', index]));
  });
  const subnetsComplete = subnets.length === top.data.subnets.length;

  const reservations: Indexed<Reservation>[] = [];
  const rawReservations = top.data.reservations ?? [];
  for (let index = 0; index < rawReservations.length; index++) {
    const simple = readSimpleReservation(rawReservations[index]);
    if (simple !== undefined) {
      reservations.push({ index, value: simple });
      continue;
    }
    const result = reservationSchema.safeParse(rawReservations[index], { reportInput: true });
    if (result.success) reservations.push({ index, value: result.data });
    else problems.push(...issuesToProblems(result.error.issues, ['reservations', index]));
  }

  problems.push(...checkSubnets(subnets));
  const subnets4 = subnets.filter((s): s is Indexed<Subnet4Config> => isSubnet4(s.value));
  problems.push(...checkReservations(subnets4, reservations, subnetsComplete));

  if (problems.length > 0) return { ok: false, problems: sortByPath(problems) };
  return { ok: true, ipam: { subnets: subnets.map((s) => s.value), reservations: reservations.map((r) => r.value) } };
}

/** Document order: subnets before reservations, entries by index, so the list reads top to bottom. */
function sortByPath(problems: IpamProblem[]): IpamProblem[] {
  const key = (p: IpamProblem) => {
    const m = /^(\w+)\[(\d+)\]/.exec(p.path);
    return m === null ? [0, 0] : [m[1] === 'subnets' ? 1 : 2, Number(m[2])];
  };
  return problems
    .map((p, i) => ({ p, i, k: key(p) }))
    .sort((a, b) => (a.k[0] ?? 0) - (b.k[0] ?? 0) || (a.k[1] ?? 0) - (b.k[1] ?? 0) || a.i - b.i)
    .map((x) => x.p);
}
