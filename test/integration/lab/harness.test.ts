// Checks the lab harness itself against dnsmasq as a stand-in DHCPv4 server (RFC 2131/2132), so a failing
// rackd test points at rackd, not at the clients, hook scripts or capture.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertRepliesClean, startCapture } from './capture.js';
import type { Capture } from './capture.js';
import { dhclient, dhcpcd, startUdhcpc, udhcpc } from './clients.js';
import { sendCrafted } from './craft.js';
import { Lab } from './lab.js';
import { labPrerequisites } from './prerequisites.js';

const pre = labPrerequisites([
  'ip',
  'tcpdump',
  'tshark',
  'udhcpc',
  'dhclient',
  'dhcpcd',
  'dnsmasq',
  '/usr/bin/python3',
]);
const MAC = '52:54:00:aa:00:01';

function dnsmasqArgs(dir: string): string[] {
  return [
    '--no-daemon',
    '--conf-file=/dev/null',
    '--dhcp-authoritative',
    '--port=0',
    '--interface=rk0',
    '--bind-interfaces',
    `--dhcp-leasefile=${dir}/leases`,
    `--pid-file=${dir}/pid`,
    '--dhcp-range=10.20.0.0,static,255.255.255.0,1h',
    `--dhcp-host=${MAC},10.20.0.51,alpha`,
    '--dhcp-option=3,10.20.0.1',
    '--dhcp-option=6,10.20.0.2,10.20.0.3',
    '--dhcp-option=15,lab.example',
    '--dhcp-option=119,lab.example,corp.example',
    '--dhcp-option=42,10.20.0.4',
    '--dhcp-option=26,1400',
    '--dhcp-option=121,10.30.0.0/16,10.20.0.254,0.0.0.0/0,10.20.0.1',
    '--dhcp-option-force=150,10.20.0.5',
    '--dhcp-option-force=224,de:ad:be:ef',
  ];
}

describe('lab harness against dnsmasq', () => {
  let lab: Lab;
  let cli: string;
  let capture: Capture;

  beforeAll(async () => {
    pre.assertReady();
    lab = await Lab.create('rkt-h');
    const srv = await lab.addNamespace('srv');
    cli = await lab.addNamespace('cli');
    await lab.link(srv, 'rk0', cli, 'eth0', { macB: MAC });
    await lab.addAddress(srv, 'rk0', '10.20.0.1/24');
    capture = await startCapture(lab, srv, 'rk0');
    lab.spawn(srv, 'dnsmasq', dnsmasqArgs(lab.tempDir('dnsmasq')));
    await new Promise((resolve) => setTimeout(resolve, 500));
  });

  afterAll(async () => {
    await lab?.destroy();
  });

  it('udhcpc gets the reservation and every option', async () => {
    const env = await udhcpc(lab, cli, 'eth0');
    expect(env).toMatchObject({
      ip: '10.20.0.51',
      subnet: '255.255.255.0',
      router: '10.20.0.1',
      domain: 'lab.example',
    });
    expect(env?.dns).toBe('10.20.0.2 10.20.0.3');
    expect(env?.search).toBe('lab.example corp.example');
    expect(env?.ntpsrv).toBe('10.20.0.4');
    expect(env?.mtu).toBe('1400');
    expect(env?.staticroutes).toBe('10.30.0.0/16 10.20.0.254 0.0.0.0/0 10.20.0.1');
    expect(env?.opt150).toBe('0a140005');
    expect(env?.opt224).toBe('deadbeef');
  });

  it('dhclient gets the reservation and every option', async () => {
    const env = await dhclient(lab, cli, 'eth0');
    expect(env?.new_ip_address).toBe('10.20.0.51');
    expect(env?.new_domain_search).toBe('lab.example. corp.example.');
    expect(env?.new_rfc3442_classless_static_routes).toBe('16 10 30 10 20 0 254 0 10 20 0 1');
    expect(env?.new_rackd_opt150).toBe('10.20.0.5');
  });

  it('dhcpcd gets the reservation and every option', async () => {
    const env = await dhcpcd(lab, cli, 'eth0');
    expect(env?.new_ip_address).toBe('10.20.0.51');
    expect(env?.new_classless_static_routes).toBe('10.30.0.0/16 10.20.0.254 0.0.0.0/0 10.20.0.1');
    expect(env?.new_interface_mtu).toBe('1400');
  });

  it('udhcpc in the foreground renews on SIGUSR1', async () => {
    const client = startUdhcpc(lab, cli, 'eth0');
    try {
      expect((await client.waitForCall('bound')).env.ip).toBe('10.20.0.51');
      const before = client.calls().length;
      client.renew();
      expect((await client.waitForCall('renew', 10_000, before)).env.ip).toBe('10.20.0.51');
    } finally {
      await client.stop();
      await lab.exec(cli, 'ip', ['addr', 'flush', 'dev', 'eth0']);
    }
  });

  // dnsmasq --dhcp-authoritative NAKs a REQUEST naming another server, so that case is checked against rackd only.
  it('crafted INIT-REBOOT REQUESTs: a wrong address gets a NAK, the reserved one an ACK', async () => {
    const nak = await sendCrafted(lab, cli, 'eth0', { mac: MAC, requestedIp: '10.20.0.77' });
    expect(nak).toEqual([expect.objectContaining({ type: 'nak', ip_dst: '255.255.255.255' })]);
    const ack = await sendCrafted(lab, cli, 'eth0', { mac: MAC, requestedIp: '10.20.0.51' });
    expect(ack).toEqual([expect.objectContaining({ type: 'ack', yiaddr: '10.20.0.51' })]);
  });

  it('every reply decodes cleanly in tshark', async () => {
    await assertRepliesClean(await capture.stop());
  });
});
