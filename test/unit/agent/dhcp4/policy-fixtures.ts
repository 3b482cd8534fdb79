// Test fixtures for the DHCPv4 policy (RFC 2131 §4.3): a request builder, an interface, an arrival and a
// lab IPAM document with untagged, tagged (vid 20) and relayed subnets.

import { BootOp } from '../../../../protocol/dhcp4/message.js';
import type { Dhcp4Message, Dhcp4Options, MessageType } from '../../../../protocol/dhcp4/message.js';
import type { Ipam } from '../../../../protocol/ipam/types.js';
import { writeMac } from '../../../../protocol/net/mac.js';
import type { Arrival } from '../../../../agent/dhcp4/arrival.js';
import type { InterfaceInfo } from '../../../../agent/net/interface-info.js';
import { buildServingConfig } from '../../../../agent/dhcp4/serving-config.js';
import type { ServingConfig } from '../../../../agent/dhcp4/serving-config.js';

export const SERVER_MAC = '02:00:00:00:00:aa';
export const RELAY_MAC = '02:00:00:00:00:ee';
export const MAC1 = '52:54:00:00:00:01';
export const MAC2 = '52:54:00:00:00:02';
export const MAC3 = '52:54:00:00:00:03';
export const MAC4 = '52:54:00:00:00:04';
export const UNKNOWN_MAC = '52:54:00:00:00:99';

export const ETH0: InterfaceInfo = {
  name: 'eth0',
  index: 2,
  mac: SERVER_MAC,
  up: true,
  addresses: [
    { family: 6, address: 'fe80::1', prefixLength: 64 },
    { family: 4, address: '10.20.0.10', prefixLength: 24 },
    { family: 4, address: '10.99.0.10', prefixLength: 24 },
  ],
};

export function labIpam(): Ipam {
  return {
    subnets: [
      { cidr: '2001:db8:20::/64', dns_servers: ['2001:db8::53'] },
      {
        cidr: '10.20.0.0/24',
        gateway: '10.20.0.1',
        dns_servers: ['10.20.0.2', '10.20.0.3'],
        domain: 'lab.example',
        search: ['lab.example', 'example'],
        ntp_servers: ['10.20.0.4'],
        mtu: 9000,
        routes: [{ destination: '10.30.0.0/16', gateway: '10.20.0.254' }],
        boot: {
          next_server: '10.20.0.5',
          files: { bios: 'pxelinux.0', 'uefi-amd64': 'bootx64.efi', 'uefi-amd64-http': 'unused.efi' },
          http_url: 'http://10.20.0.5/boot/bootx64.efi',
        },
        disabled_boot_architectures: ['uefi-ia32'],
        options: [
          { code: 252, type: 'string', value: 'http://wpad.lab.example/wpad.dat' },
          { code: 150, type: 'ipv4-list', value: ['10.20.0.5'] },
        ],
      },
      { cidr: '10.21.0.0/24', vid: 20, server_ip: '10.21.0.10', gateway: '10.21.0.1', lease_time: 3600 },
      { cidr: '10.40.0.0/24', gateway: '10.40.0.1' },
      { cidr: '10.41.0.0/24', gateway: '10.41.0.1' },
      { cidr: '10.42.0.0/24', gateway: '10.42.0.1' },
    ],
    reservations: [
      {
        mac: MAC1,
        ip: '10.20.0.101',
        hostname: 'node1',
        options: [{ code: 252, type: 'string', value: 'http://node1/wpad.dat' }],
      },
      { mac: MAC1, ip: '10.21.0.101', hostname: 'node1-vlan20' },
      { mac: MAC2, ip: '10.20.0.102', client_id: '01:aa:bb:cc:dd:ee:ff' },
      { mac: MAC3, ip: '10.40.0.103' },
      { mac: MAC3, ip: '10.41.0.103' },
      { mac: MAC3, ip: '10.42.0.103' },
    ],
  };
}

export function labConfig(): ServingConfig {
  return buildServingConfig(labIpam());
}

export interface RequestSpec {
  type?: MessageType;
  mac?: string;
  op?: BootOp;
  flags?: number;
  ciaddr?: string;
  giaddr?: string;
  xid?: number;
  /** Extra options in wire order, after 53. */
  options?: [number, Buffer | number[] | string][];
}

function optionData(value: Buffer | number[] | string): Buffer {
  if (Buffer.isBuffer(value)) return value;
  return typeof value === 'string' ? Buffer.from(value, 'latin1') : Buffer.from(value);
}

export function ipBytes(ip: string): Buffer {
  return Buffer.from(ip.split('.').map(Number));
}

export function request(spec: RequestSpec = {}): Dhcp4Message {
  const chaddr = Buffer.alloc(16);
  writeMac(chaddr, 0, spec.mac ?? MAC1);
  const options: Dhcp4Options = new Map();
  if (spec.type !== undefined) options.set(53, Buffer.from([spec.type]));
  for (const [code, value] of spec.options ?? []) options.set(code, optionData(value));
  return {
    op: spec.op ?? BootOp.Request,
    htype: 1,
    hlen: 6,
    hops: spec.giaddr ? 1 : 0,
    xid: spec.xid ?? 0x12345678,
    secs: 3,
    flags: spec.flags ?? 0,
    ciaddr: spec.ciaddr ?? '0.0.0.0',
    yiaddr: '0.0.0.0',
    siaddr: '0.0.0.0',
    giaddr: spec.giaddr ?? '0.0.0.0',
    chaddr,
    sname: '',
    file: '',
    options,
  };
}

export function arrival(spec: Partial<Arrival> = {}): Arrival {
  return { iface: ETH0, srcMac: MAC1, srcIp: '0.0.0.0', dstIp: '255.255.255.255', ...spec };
}

/** A relay at 10.40.0.1 forwarding to our 10.20.0.10 from the router's MAC. */
export function relayArrival(): Arrival {
  return arrival({ srcMac: RELAY_MAC, srcIp: '10.40.0.1', dstIp: '10.20.0.10' });
}
