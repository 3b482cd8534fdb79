// The reconfiguration bench lab (prefix rkc): the DHCPv4 server's namespace and a client namespace holding two
// relay agents (RFC 2131 §4.1 giaddr path): perfdhcp's load on 10.128.0.1 and the probe on 10.128.0.3.

import { Lab } from '../../integration/lab/lab.js';
import { PREFIX_LENGTH, RELAY_IP, SERVER_IP } from '../dhcp4/workload.js';

export const SERVER_IF = 'rkc0';
export const CLIENT_IF = 'eth0';
/** The probe's relay address: in the served subnet, so both servers select that subnet by its giaddr. */
export const PROBE_IP = '10.128.0.3';

export interface ReconfigLab {
  lab: Lab;
  srv: string;
  cli: string;
  dir: string;
}

export async function createReconfigLab(): Promise<ReconfigLab> {
  const lab = await Lab.create('rkc');
  try {
    const srv = await lab.addNamespace('srv');
    const cli = await lab.addNamespace('cli');
    await lab.link(srv, SERVER_IF, cli, CLIENT_IF);
    await lab.addAddress(srv, SERVER_IF, `${SERVER_IP}/${PREFIX_LENGTH}`);
    await lab.addAddress(cli, CLIENT_IF, `${RELAY_IP}/${PREFIX_LENGTH}`);
    await lab.addAddress(cli, CLIENT_IF, `${PROBE_IP}/${PREFIX_LENGTH}`);
    return { lab, srv, cli, dir: lab.tempDir('reconfig') };
  } catch (err) {
    await lab.destroy();
    throw err;
  }
}
