// Passive mDNS (RFC 6762, RFC 6763): python3-zeroconf announces a service and its host name in a
// namespace; rackd reports the host name ↔ address pair, with the service instance that resolves to it.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labPrerequisites } from './lab/prerequisites.js';
import type { RackdHandle } from './lab/rackd.js';
import { CLIENT_IF, createDirectLab } from './lab/topology.js';
import type { DirectLab } from './lab/topology.js';
import { rackdTail } from './peers/log-tail.js';
import { DISCOVERY_TOOLS, startDiscoveryRackd } from './lab/discovery-lab.js';

const pre = labPrerequisites([...DISCOVERY_TOOLS, '/usr/bin/python3']);
const ANNOUNCER = fileURLToPath(new URL('./peers/mdns-announce.py', import.meta.url));
const HOST_MAC = '52:54:00:aa:0d:01';

describe('discovery: passive mDNS', () => {
  let lab: DirectLab | undefined;
  let rackd: RackdHandle | undefined;

  beforeAll(async () => {
    pre.assertReady();
    const zeroconf = spawnSync('/usr/bin/python3', ['-c', 'import zeroconf']);
    if (zeroconf.status !== 0)
      throw new Error('python3-zeroconf not importable by /usr/bin/python3: apt-get install python3-zeroconf');
    lab = await createDirectLab('rkxm', HOST_MAC);
    await lab.lab.addAddress(lab.cli, CLIENT_IF, '10.20.0.30/24');
    rackd = await startDiscoveryRackd(
      lab.lab,
      lab.srv,
      'subnets:\n  - cidr: 10.20.0.0/24\nreservations: []\n',
      ['rk0'],
      { probe_interval_s: 0 },
    );
  });

  afterAll(async () => {
    await rackd?.stop();
    await lab?.lab.destroy();
  });

  it('reports the announced host name and service for the address', async () => {
    const { lab: l, cli } = lab as DirectLab;
    // Multicast needs a route in a namespace with no default route.
    await l.exec(cli, 'ip', ['route', 'add', '224.0.0.0/4', 'dev', CLIENT_IF]);
    const announcer = l.spawn(cli, '/usr/bin/python3', [ANNOUNCER, '10.20.0.30', 'rkx-node', 'rkx web']);
    let errors = '';
    announcer.stderr?.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
    const line = await (rackd as RackdHandle)
      .waitForEvent(
        'discovery.mdns',
        (l2) => l2.ip === '10.20.0.30' && (l2.names as string[]).includes('rkx-node.local'),
        15_000,
      )
      .catch((error: unknown) => {
        throw new Error(`${(error as Error).message}\nannouncer stderr: ${errors}\n${rackdTail(rackd)}`);
      });
    expect(line).toMatchObject({ interface: 'rk0', mac: HOST_MAC });
    expect(line.names).toEqual(expect.arrayContaining(['rkx-node.local', 'rkx web._http._tcp.local']));
    // Names are nested under `names`, never spread into the log line.
    expect(Object.keys(line).some((key) => key.includes('rkx'))).toBe(false);
  });
});
