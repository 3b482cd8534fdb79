import { describe, expect, test } from 'vitest';
import { isSubnet4, parseIpam } from '../../../../protocol/ipam/parse.js';
import type { IpamProblem } from '../../../../protocol/ipam/parse.js';
import type { Ipam } from '../../../../protocol/ipam/types.js';

const SUBNET = { cidr: '10.20.0.0/24', gateway: '10.20.0.1' };
const VLAN = { cidr: '10.21.0.0/24', vid: 20, server_ip: '10.21.0.1' };
const R1 = { mac: '52:54:00:12:34:56', ip: '10.20.0.50' };

function ok(doc: unknown): Ipam {
  const result = parseIpam(doc);
  if (!result.ok) throw new Error(`unexpected problems: ${JSON.stringify(result.problems)}`);
  return result.ipam;
}

function problems(doc: unknown): IpamProblem[] {
  const result = parseIpam(doc);
  if (result.ok) throw new Error('expected problems, document was accepted');
  return result.problems;
}

/** Asserts exactly one problem, at `path`, whose message matches `message`. */
function refuses(doc: unknown, path: string, message: RegExp): void {
  const found = problems(doc);
  expect(found, JSON.stringify(found)).toHaveLength(1);
  expect(found[0]?.path).toBe(path);
  expect(found[0]?.message).toMatch(message);
}

const withSubnet = (extra: object) => ({ subnets: [{ ...SUBNET, ...extra }], reservations: [] });
const withReservation = (extra: object, subnets: object[] = [SUBNET]) => ({
  subnets,
  reservations: [{ ...R1, ...extra }],
});

describe('parseIpam accepts and normalises', () => {
  test('the issue example with every field', () => {
    const ipam = ok({
      subnets: [
        {
          ...SUBNET,
          dns_servers: ['10.20.0.2'],
          domain: 'lab.example',
          search: ['lab.example', 'example.org.'],
          ntp_servers: ['10.20.0.3'],
          mtu: 9000,
          lease_time: 3600,
          routes: [{ destination: '10.30.0.0/16', gateway: '10.20.0.254' }],
          boot: {
            next_server: '10.20.0.2',
            files: { bios: 'lpxelinux.0', 'uefi-amd64': 'bootx64.efi' },
            http_url: 'http://10.20.0.2:5248/x.efi',
            ipxe: {
              files: { bios: 'undionly.kpxe', 'uefi-amd64': 'snponly.efi' },
              script: 'http://10.20.0.2/boot.ipxe',
            },
          },
          disabled_boot_architectures: ['uefi-arm64'],
          options: [
            { code: 150, type: 'ipv4', value: '10.20.0.9' },
            { code: 224, type: 'hex', value: '0A:0b:0c' },
          ],
        },
        VLAN,
        { cidr: '2001:DB8:20:0::/64', dns_servers: ['2001:db8:20::2'], info_refresh_time: 600 },
      ],
      reservations: [
        { mac: '52-54-00-AB-CD-EF', ip: '10.20.0.50', hostname: 'node-1' },
        { mac: '52:54:00:12:34:57', ip: '10.20.0.51', client_id: '0152540012345A', subnet: '10.20.0.0/24' },
        { mac: '52-54-00-ab-cd-ef', ip: '10.21.0.50' },
      ],
    });
    const [v4, vlan, v6] = ipam.subnets;
    expect(v4 && isSubnet4(v4)).toBe(true);
    expect(v6 && isSubnet4(v6)).toBe(false);
    expect(v6?.cidr).toBe('2001:db8:20::/64');
    expect(vlan).toEqual(VLAN);
    expect(v4 && isSubnet4(v4) ? v4.options?.[1]?.value : undefined).toBe('0a0b0c');
    expect(v4 && isSubnet4(v4) ? v4.search : undefined).toEqual(['lab.example', 'example.org']);
    expect(ipam.reservations).toEqual([
      { mac: '52:54:00:ab:cd:ef', ip: '10.20.0.50', hostname: 'node-1', subnet: '10.20.0.0/24' },
      { mac: '52:54:00:12:34:57', ip: '10.20.0.51', client_id: '01:52:54:00:12:34:5a', subnet: '10.20.0.0/24' },
      { mac: '52:54:00:ab:cd:ef', ip: '10.21.0.50', subnet: '10.21.0.0/24' },
    ]);
  });

  test('reservations may be omitted', () => {
    expect(ok({ subnets: [] })).toEqual({ subnets: [], reservations: [] });
  });

  test('custom option values of every type', () => {
    const options = [
      { code: 3, type: 'ipv4-list', value: ['10.20.0.1'] },
      { code: 2, type: 'i32', value: -3600 },
      { code: 19, type: 'bool', value: false },
      { code: 23, type: 'u8', value: 64 },
      { code: 13, type: 'u16', value: 9 },
      { code: 58, type: 'u32', value: 100 },
      { code: 209, type: 'string', value: 'x' },
      { code: 225, type: 'u8-list', value: [1, 2] },
      { code: 226, type: 'u16-list', value: [7] },
      { code: 119, type: 'domain-list', value: ['a.example'] },
      { code: 121, type: 'classless-routes', value: [{ destination: '0.0.0.0/0', gateway: '10.20.0.1' }] },
      { code: 43, type: 'hex', value: '' },
    ];
    expect(ok(withSubnet({ options })).subnets[0]).toMatchObject({ options });
  });
});

describe('parseIpam refuses, naming the path and the fix', () => {
  test.each([
    ['a malformed cidr', { cidr: '10.20.0/24' }, 'subnets[0].cidr', /not an IPv4 CIDR/],
    [
      'a cidr with host bits',
      { cidr: '10.20.0.1/24', gateway: undefined },
      'subnets[0].cidr',
      /host bits set — write the network address 10\.20\.0\.0\/24/,
    ],
    ['vid 0', { vid: 0 }, 'subnets[0].vid', /from 1 to 4094/],
    ['vid 4095', { vid: 4095 }, 'subnets[0].vid', /from 1 to 4094/],
    ['a gateway outside', { gateway: '10.99.0.1' }, 'subnets[0].gateway', /outside 10\.20\.0\.0\/24/],
    ['a gateway on the broadcast', { gateway: '10.20.0.255' }, 'subnets[0].gateway', /broadcast/],
    [
      'a server_ip outside',
      { server_ip: '10.99.0.1' },
      'subnets[0].server_ip',
      /server_ip must be an address in the subnet/,
    ],
    ['mtu 67', { mtu: 67 }, 'subnets[0].mtu', /68 to 65535/],
    ['mtu 65536', { mtu: 65536 }, 'subnets[0].mtu', /68 to 65535/],
    ['lease_time 59', { lease_time: 59 }, 'subnets[0].lease_time', /60 to 2147483648/],
    ['lease_time 2^31+1', { lease_time: 2 ** 31 + 1 }, 'subnets[0].lease_time', /60 to 2147483648/],
    ['a fractional lease_time', { lease_time: 600.5 }, 'subnets[0].lease_time', /whole number/],
    ['a string mtu', { mtu: '9000' }, 'subnets[0].mtu', /expected a number, got a string/],
    [
      'a bad route destination',
      { routes: [{ destination: '10.30.0.0/33', gateway: '10.20.0.1' }] },
      'subnets[0].routes[0].destination',
      /not an IPv4 CIDR/,
    ],
    [
      'a bad route gateway',
      { routes: [{ destination: '10.30.0.0/16', gateway: 'router' }] },
      'subnets[0].routes[0].gateway',
      /not an IPv4 address/,
    ],
    [
      'an unknown architecture',
      { disabled_boot_architectures: ['ppc64'] },
      'subnets[0].disabled_boot_architectures[0]',
      /one of bios, uefi-ia32/,
    ],
    [
      'an unknown boot file architecture',
      { boot: { files: { 'uefi-amd46': 'x.efi' } } },
      'subnets[0].boot.files.uefi-amd46',
      /unknown field "uefi-amd46" — did you mean "uefi-amd64"/,
    ],
    ['a bad next_server', { boot: { next_server: '10.20.0' } }, 'subnets[0].boot.next_server', /not an IPv4 address/],
    ['a bad http_url', { boot: { http_url: 'tftp://x/y' } }, 'subnets[0].boot.http_url', /http\(s\) URL/],
    [
      'an iPXE script that is not a URL',
      { boot: { ipxe: { script: 'boot.ipxe' } } },
      'subnets[0].boot.ipxe.script',
      /http\(s\) or tftp URL/,
    ],
    [
      'iPXE chainloading without a script',
      { boot: { ipxe: { files: { bios: 'undionly.kpxe' } } } },
      'subnets[0].boot.ipxe.script',
      /script is required/,
    ],
    [
      'an unknown iPXE binary architecture',
      { boot: { ipxe: { files: { biso: 'u.kpxe' }, script: 'tftp://10.20.0.2/b.ipxe' } } },
      'subnets[0].boot.ipxe.files.biso',
      /did you mean "bios"/,
    ],
    ['a bad dns server', { dns_servers: ['10.20.0.256'] }, 'subnets[0].dns_servers[0]', /not an IPv4 address/],
    ['a bad domain', { domain: 'lab_example' }, 'subnets[0].domain', /not a domain name/],
    ['a bad search domain', { search: ['ok.example', '-bad.example'] }, 'subnets[0].search[1]', /not a domain name/],
    [
      'a misspelt field',
      { gatway: '10.20.0.1' },
      'subnets[0].gatway',
      /unknown field "gatway" — did you mean "gateway"\?/,
    ],
    ['an unknown field', { colour: 'blue' }, 'subnets[0].colour', /unknown field "colour" — remove it/],
  ])('%s', (_name, extra, path, message) => refuses(withSubnet(extra), path, message));

  test.each([
    ['code 0', { code: 0, type: 'u8', value: 1 }, 'code', /option code must be a whole number from 1 to 254/],
    ['code 255', { code: 255, type: 'u8', value: 1 }, 'code', /1 to 254/],
    ['code 52', { code: 52, type: 'u8', value: 1 }, 'code', /option overload.*remove this option/],
    ['code 53', { code: 53, type: 'u8', value: 1 }, 'code', /message type/],
    ['code 54', { code: 54, type: 'ipv4', value: '10.20.0.1' }, 'code', /set `server_ip` on the subnet instead/],
    ['code 55', { code: 55, type: 'hex', value: '01' }, 'code', /parameter request list/],
    ['code 57', { code: 57, type: 'u16', value: 1500 }, 'code', /maximum message size/],
    ['an unknown type', { code: 224, type: 'ipv5', value: 'x' }, 'type', /type must be one of ipv4/],
    [
      'a type the option cannot carry',
      { code: 3, type: 'string', value: 'x' },
      'type',
      /option 3 \(routers\) is ipv4-list on the wire/,
    ],
    ['ipv4 value not an address', { code: 150, type: 'ipv4', value: 'tftp' }, 'value', /not an IPv4 address/],
    [
      'u8 out of range',
      { code: 224, type: 'u8', value: 256 },
      'value',
      /u8 value must be a whole number from 0 to 255/,
    ],
    ['u16 as a string', { code: 224, type: 'u16', value: '1' }, 'value', /value must be a number for this type/],
    ['bool as a string', { code: 224, type: 'bool', value: 'yes' }, 'value', /true or false/],
    ['hex odd digits', { code: 224, type: 'hex', value: '0a0' }, 'value', /not hex bytes/],
    ['an empty list', { code: 224, type: 'ipv4-list', value: [] }, 'value', /at least one IPv4 address/],
    ['a bad list item', { code: 224, type: 'ipv4-list', value: ['10.0.0.1', 'x'] }, 'value[1]', /not an IPv4 address/],
    [
      'a route missing its gateway',
      { code: 121, type: 'classless-routes', value: [{ destination: '10.0.0.0/8' }] },
      'value[0].gateway',
      /gateway is required/,
    ],
    ['a missing value', { code: 224, type: 'u8' }, 'value', /value is missing/],
  ])('custom option: %s', (_name, option, field, message) => {
    refuses(withSubnet({ options: [option] }), `subnets[0].options[0].${field}`, message);
    refuses(withReservation({ options: [option] }), `reservations[0].options[0].${field}`, message);
  });

  test('a route value with an unknown key reports that key', () => {
    const option = {
      code: 121,
      type: 'classless-routes',
      value: [{ destination: '10.0.0.0/8', gateway: '10.20.0.1', metric: 1 }],
    };
    refuses(withSubnet({ options: [option] }), 'subnets[0].options[0].value[0].metric', /unknown field "metric"/);
  });

  test('an option set twice', () => {
    const options = [
      { code: 224, type: 'u8', value: 1 },
      { code: 224, type: 'u8', value: 2 },
    ];
    refuses(withSubnet({ options }), 'subnets[0].options[1].code', /set twice/);
  });

  test.each([
    [
      'the same prefix',
      VLAN.cidr,
      /overlaps subnets\[0\] \(10\.21\.0\.0\/24\) — subnets must not overlap, even on different vids/,
    ],
    ['a wider prefix', '10.0.0.0/8', /overlaps/],
    ['a narrower prefix', '10.21.0.128/25', /overlaps/],
  ])('overlapping subnets: %s on another vid', (_name, cidr, message) => {
    refuses({ subnets: [VLAN, { cidr, vid: 30 }] }, 'subnets[1].cidr', message);
  });

  test('adjacent subnets do not overlap', () => {
    ok({ subnets: [{ cidr: '10.0.0.0/25' }, { cidr: '10.0.0.128/25' }, { cidr: '10.0.1.0/24' }] });
  });

  test.each([
    ['a bad MAC', { mac: '52:54:00:12:34' }, 'reservations[0].mac', /not a MAC address/],
    ['a bad IP', { ip: '10.20.0.500' }, 'reservations[0].ip', /not an IPv4 address/],
    [
      'an IP in no subnet',
      { ip: '10.9.9.9' },
      'reservations[0].ip',
      /^10\.9\.9\.9 is in no subnet — add a subnet containing it or fix the address$/,
    ],
    [
      'an IP outside its named subnet',
      { subnet: '10.21.0.0/24' },
      'reservations[0].ip',
      /outside its subnet 10\.21\.0\.0\/24/,
    ],
    [
      'a subnet that is not listed',
      { subnet: '10.22.0.0/24' },
      'reservations[0].subnet',
      /not an IPv4 subnet in this file/,
    ],
    ['the network address', { ip: '10.20.0.0' }, 'reservations[0].ip', /network address/],
    ['the broadcast address', { ip: '10.20.0.255' }, 'reservations[0].ip', /broadcast address/],
    ['the gateway', { ip: '10.20.0.1' }, 'reservations[0].ip', /the subnet’s gateway/],
    ['the server_ip', { ip: '10.21.0.1' }, 'reservations[0].ip', /the subnet’s server_ip/],
    ['a one-byte client id', { client_id: '01' }, 'reservations[0].client_id', /at least two hex bytes/],
    ['a non-hex client id', { client_id: '01:zz' }, 'reservations[0].client_id', /not a client id/],
    ['a bad hostname', { hostname: 'node 1' }, 'reservations[0].hostname', /not a valid hostname/],
    ['a misspelt field', { hostnmae: 'x' }, 'reservations[0].hostnmae', /did you mean "hostname"/],
    ['a missing ip', { ip: undefined }, 'reservations[0].ip', /ip is required — add it/],
  ])('reservation: %s', (_name, extra, path, message) =>
    refuses(withReservation(extra, [SUBNET, VLAN]), path, message),
  );

  test('two reservations may not share an IP', () => {
    refuses(
      { subnets: [SUBNET], reservations: [R1, { mac: '52:54:00:00:00:01', ip: R1.ip }] },
      'reservations[1].ip',
      /10\.20\.0\.50 is already reserved by reservations\[0\]/,
    );
  });

  test('one MAC may hold one reservation per subnet, and one in each of several', () => {
    refuses(
      { subnets: [SUBNET], reservations: [R1, { mac: '52-54-00-12-34-56', ip: '10.20.0.51' }] },
      'reservations[1].mac',
      /already has a reservation in 10\.20\.0\.0\/24 \(reservations\[0\]\) — one MAC may hold one reservation per/,
    );
    ok({ subnets: [SUBNET, VLAN], reservations: [R1, { mac: R1.mac, ip: '10.21.0.50' }] });
  });

  test('client ids are unique per subnet, not across subnets', () => {
    const a = { ...R1, client_id: '01:02' };
    refuses(
      { subnets: [SUBNET], reservations: [a, { mac: '52:54:00:00:00:01', ip: '10.20.0.60', client_id: '0102' }] },
      'reservations[1].client_id',
      /client id 01:02 is already used in 10\.20\.0\.0\/24/,
    );
    ok({
      subnets: [SUBNET, VLAN],
      reservations: [a, { mac: '52:54:00:00:00:01', ip: '10.21.0.60', client_id: '0102' }],
    });
  });

  test.each([
    ['a bad prefix', { cidr: '2001:db8::/129' }, 'subnets[0].cidr', /not an IPv6 prefix/],
    ['host bits', { cidr: '2001:db8::1/64' }, 'subnets[0].cidr', /host bits set — write the prefix 2001:db8::\/64/],
    [
      'a v4 dns server',
      { cidr: '2001:db8::/64', dns_servers: ['10.0.0.1'] },
      'subnets[0].dns_servers[0]',
      /not an IPv6 address/,
    ],
    [
      'info_refresh_time 599',
      { cidr: '2001:db8::/64', info_refresh_time: 599 },
      'subnets[0].info_refresh_time',
      /minimum 600/,
    ],
    [
      'a v4-only field',
      { cidr: '2001:db8::/64', gateway: '10.0.0.1' },
      'subnets[0].gateway',
      /unknown field "gateway"/,
    ],
    [
      'a server-owned option',
      { cidr: '2001:db8::/64', options: [{ code: 2, type: 'hex', value: '00' }] },
      'subnets[0].options[0].code',
      /set by the server/,
    ],
    [
      'a bad ipv6 option',
      { cidr: '2001:db8::/64', options: [{ code: 23, type: 'ipv6', value: '1:::2' }] },
      'subnets[0].options[0].value',
      /not an IPv6 address/,
    ],
  ])('IPv6 subnet: %s', (_name, subnet, path, message) => refuses({ subnets: [subnet] }, path, message));

  test('overlapping IPv6 prefixes', () => {
    refuses(
      { subnets: [{ cidr: '2001:db8::/48' }, { cidr: '2001:db8:0:1::/64' }] },
      'subnets[1].cidr',
      /overlaps subnets\[0\]/,
    );
  });

  test.each([
    ['not a mapping', 'subnets: []', '(document)', /must be a mapping/],
    ['no subnets', { reservations: [] }, 'subnets', /subnets must be a list — write `subnets: \[\]`/],
    ['subnets not a list', { subnets: { cidr: '10.0.0.0/8' } }, 'subnets', /subnets must be a list/],
    ['an unknown top-level key', { subnets: [], reservation: [] }, 'reservation', /did you mean "reservations"/],
  ])('document: %s', (_name, doc, path, message) => refuses(doc, path, message));

  test('every problem is reported, in document order', () => {
    const found = problems({
      subnets: [
        { cidr: '10.20.0.0/24', mtu: 1 },
        { cidr: '10.30.0.0/24', vid: 5000, gateway: '10.20.0.1' },
      ],
      reservations: [
        { mac: 'x', ip: 'y' },
        { ...R1, hostname: '!' },
        { mac: R1.mac, ip: '10.9.9.9' },
      ],
    });
    expect(found.map((p) => p.path)).toEqual([
      'subnets[0].mtu',
      'subnets[1].vid',
      'reservations[0].mac',
      'reservations[0].ip',
      'reservations[1].hostname',
    ]);
  });

  test('reservation placement is checked once every subnet is valid', () => {
    const found = problems({
      subnets: [SUBNET, { cidr: '10.30.0.0/24', vid: 9999 }],
      reservations: [{ mac: R1.mac, ip: '10.9.9.9' }],
    });
    expect(found.map((p) => p.path)).toEqual(['subnets[1].vid']);
  });
});
