// The reconfiguration bench lab (prefix rkc): the DHCPv4 bench's two namespaces (RFC 2131 §4.1 giaddr path),
// with a second relay address on the client side: perfdhcp's load on 10.128.0.1 and the probe on 10.128.0.3.

import { CLIENT_IF, createBenchLab } from '../dhcp4/servers.js';
import type { BenchLab } from '../dhcp4/servers.js';

export { CLIENT_IF };
export const SERVER_IF = 'rkc0';
/** The probe's relay address: in the served subnet, so both servers select that subnet by its giaddr. */
export const PROBE_IP = '10.128.0.3';

export type ReconfigLab = BenchLab;

export function createReconfigLab(): Promise<ReconfigLab> {
  return createBenchLab({ prefix: 'rkc', serverIf: SERVER_IF, extraClientIps: [PROBE_IP] });
}
