// A DHCPv4 subnet compiled for the hot path (RFC 2132 §3–§9, RFC 3442, RFC 3397): every option this
// subnet can send is encoded once at config-compile time, so answering a request only copies Buffers.

import { DHCP4_OPTIONS } from '../../protocol/dhcp4/option-table.js';
import type {
  Dhcp4OptionName,
  Dhcp4OptionValue,
  OptionType,
  OptionValueByType,
} from '../../protocol/dhcp4/option-table.js';
import { encodeOptionValue } from '../../protocol/dhcp4/option-values.js';
import { BOOT_ARCHITECTURES } from '../../protocol/ipam/types.js';
import type { Subnet4Config, Route } from '../../protocol/ipam/types.js';
import { numberToIpv4, parseCidr4 } from '../../protocol/net/ipv4-address.js';
import type { Cidr4 } from '../../protocol/net/ipv4-address.js';
import { compileBoot } from './boot.js';
import type { CompiledBoot } from './boot.js';
import { compileCustomOptions } from './custom-option.js';

export const DEFAULT_LEASE_TIME = 600;

export interface CompiledSubnet4 {
  readonly cidr: Cidr4;
  /** Normalised CIDR text, the key reservations are indexed under. */
  readonly cidrText: string;
  readonly vid: number | undefined;
  readonly serverIp: string | undefined;
  /** Option 54 for `serverIp`, when configured. */
  readonly serverIdOption: Buffer | undefined;
  readonly leaseTime: number;
  readonly t1: number;
  readonly t2: number;
  /** Options 51, 58, 59. */
  readonly leaseTimeOption: Buffer;
  readonly renewalTimeOption: Buffer;
  readonly rebindingTimeOption: Buffer;
  readonly boot: CompiledBoot | undefined;
  /** Option-93 architecture numbers that get no boot answer. */
  readonly disabledArchs: ReadonlySet<number>;
  /** Standard options (1, 3, 6, 15, 119, 42, 26, 121) in that order; only the configured ones. */
  readonly options: ReadonlyMap<number, Buffer>;
  /** Custom options in config order; sent whether requested or not. */
  readonly customOptions: ReadonlyMap<number, Buffer>;
}

export function encodeNamedOption<N extends Dhcp4OptionName>(name: N, value: Dhcp4OptionValue<N>): Buffer {
  return encodeOptionValue(DHCP4_OPTIONS[name].type as OptionType, value as OptionValueByType[OptionType]);
}

/**
 * RFC 3442 §1: a client that receives option 121 ignores option 3, so without an explicit 0.0.0.0/0 it
 * would lose its default route; put one to the gateway first. Option 3 is still sent, for clients that
 * do not implement 121 and ignore it.
 */
export function classlessRoutes(routes: readonly Route[], gateway: string | undefined): Route[] {
  const hasDefault = routes.some((r) => r.destination === '0.0.0.0/0');
  if (gateway === undefined || hasDefault) return [...routes];
  return [{ destination: '0.0.0.0/0', gateway }, ...routes];
}

function compileStandardOptions(subnet: Subnet4Config, cidr: Cidr4): Map<number, Buffer> {
  const options = new Map<number, Buffer>();
  options.set(1, encodeNamedOption('subnet-mask', numberToIpv4(cidr.mask)));
  if (subnet.gateway !== undefined) options.set(3, encodeNamedOption('routers', [subnet.gateway]));
  if (subnet.dns_servers?.length) options.set(6, encodeNamedOption('domain-name-servers', subnet.dns_servers));
  if (subnet.domain) options.set(15, encodeNamedOption('domain-name', subnet.domain));
  if (subnet.search?.length) options.set(119, encodeNamedOption('domain-search', subnet.search));
  if (subnet.ntp_servers?.length) options.set(42, encodeNamedOption('ntp-servers', subnet.ntp_servers));
  if (subnet.mtu !== undefined) options.set(26, encodeNamedOption('interface-mtu', subnet.mtu));
  if (subnet.routes?.length) {
    options.set(121, encodeNamedOption('classless-static-routes', classlessRoutes(subnet.routes, subnet.gateway)));
  }
  return options;
}

/** `subnet` has passed the IPAM schema: its CIDR and addresses are well formed. */
export function compileSubnet4(subnet: Subnet4Config): CompiledSubnet4 {
  const cidr = parseCidr4(subnet.cidr);
  if (!cidr) throw new RangeError(`subnet ${subnet.cidr}: not an IPv4 CIDR (the IPAM file must be validated first)`);
  const leaseTime = subnet.lease_time ?? DEFAULT_LEASE_TIME;
  const t1 = Math.floor(leaseTime * 0.5);
  const t2 = Math.floor(leaseTime * 0.875);
  return {
    cidr,
    cidrText: subnet.cidr,
    vid: subnet.vid,
    serverIp: subnet.server_ip,
    serverIdOption:
      subnet.server_ip === undefined ? undefined : encodeNamedOption('server-identifier', subnet.server_ip),
    leaseTime,
    t1,
    t2,
    leaseTimeOption: encodeNamedOption('lease-time', leaseTime),
    renewalTimeOption: encodeNamedOption('renewal-time', t1),
    rebindingTimeOption: encodeNamedOption('rebinding-time', t2),
    boot: subnet.boot === undefined ? undefined : compileBoot(subnet.boot),
    disabledArchs: new Set((subnet.disabled_boot_architectures ?? []).map((name) => BOOT_ARCHITECTURES[name])),
    options: compileStandardOptions(subnet, cidr),
    customOptions: compileCustomOptions(subnet.options),
  };
}
