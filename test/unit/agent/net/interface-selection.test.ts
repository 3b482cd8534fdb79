// Which interfaces DHCPv4 (RFC 2131) is served on: named entries when present, glob patterns when the link is
// up with an address in a served subnet.

import { describe, expect, it } from 'vitest';
import { isInterfacePattern, selectInterfaces } from '../../../../agent/net/interface-selection.js';
import type { InterfaceInfo } from '../../../../agent/net/interface-info.js';
import { parseCidr4 } from '../../../../protocol/net/ipv4-address.js';

function link(name: string, address?: string, up = true): InterfaceInfo {
  return {
    name,
    index: 1,
    mac: '02:00:00:00:00:01',
    up,
    addresses: address ? [{ family: 4, address, prefixLength: 24 }] : [],
  };
}

const SUBNETS = [parseCidr4('10.20.0.0/24'), parseCidr4('10.21.0.0/24')].map((c) => {
  if (!c) throw new Error('bad cidr');
  return c;
});

describe('selectInterfaces', () => {
  it('serves named interfaces that exist, whatever their address', () => {
    expect(selectInterfaces(['eth1', 'eth9'], [link('eth1'), link('eth2', '10.20.0.1')], SUBNETS)).toEqual(['eth1']);
  });

  it('serves pattern matches only when up with an address in a served subnet', () => {
    const view = [
      link('rk1', '10.21.0.1'),
      link('rk2', '192.168.1.1'),
      link('rk3', '10.20.0.9', false),
      link('lo', '10.20.0.5'),
    ];
    expect(selectInterfaces(['rk*'], view, SUBNETS)).toEqual(['rk1']);
    expect(selectInterfaces(['rk?', 'lo'], view, SUBNETS)).toEqual(['rk1', 'lo']);
  });

  it('tells patterns from names', () => {
    expect([isInterfacePattern('eth*'), isInterfacePattern('vlan?0'), isInterfacePattern('eth1.20')]).toEqual([
      true,
      true,
      false,
    ]);
  });
});
