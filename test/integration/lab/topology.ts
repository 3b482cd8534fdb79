// The two-namespace topology every direct-client DHCPv4 test uses: rackd's side `srv` (rk0, 10.20.0.1/24)
// joined by one veth pair to the clients' side `cli` (eth0, MAC set per client), as on one L2 segment.

import { Lab } from './lab.js';

export const SERVER_IF = 'rk0';
export const SERVER_IP = '10.20.0.1';
export const CLIENT_IF = 'eth0';

export interface DirectLab {
  lab: Lab;
  srv: string;
  cli: string;
  /** Gives the client interface this MAC, as a new machine on the segment would have. */
  useMac(mac: string): Promise<void>;
}

export async function createDirectLab(prefix: string, firstMac = '52:54:00:aa:00:01'): Promise<DirectLab> {
  const lab = await Lab.create(prefix);
  try {
    const srv = await lab.addNamespace('srv');
    const cli = await lab.addNamespace('cli');
    await lab.link(srv, SERVER_IF, cli, CLIENT_IF, { macB: firstMac });
    await lab.addAddress(srv, SERVER_IF, `${SERVER_IP}/24`);
    return {
      lab,
      srv,
      cli,
      useMac: async (mac) => {
        // A leased address left by an earlier client would make the next one look configured already.
        await lab.exec(cli, 'ip', ['addr', 'flush', 'dev', CLIENT_IF]);
        await lab.setMac(cli, CLIENT_IF, mac);
      },
    };
  } catch (err) {
    await lab.destroy();
    throw err;
  }
}
