// The IPAM document: subnets and static reservations, as an operator writes it in YAML and as the region
// sends it. Field names are snake_case because they are the wire/file format shared with the region.

import type { OptionType } from '../dhcp4/option-table.js';

/** IANA option-93 processor architecture names (RFC 4578 §2.1, IANA "Processor Architecture Types"). */
export const BOOT_ARCHITECTURES = {
  bios: 0,
  'uefi-ia32': 6,
  'uefi-amd64': 7,
  'uefi-bc': 9,
  'uefi-arm32': 10,
  'uefi-arm64': 11,
  'uefi-amd64-http': 16,
  'uefi-arm64-http': 19,
} as const;
export type BootArchitecture = keyof typeof BOOT_ARCHITECTURES;

/** Types a config-file custom option may use: the option table's wire types, with `hex` for raw bytes. */
export type CustomOptionType = Exclude<OptionType, 'bytes'> | 'hex';

/**
 * A custom option: `value` matches `type` (validated by the schema): a string for ipv4/string/hex
 * ("0a0b0c" or "0a:0b:0c"), a number for integers, a boolean for bool, an array for *-list types,
 * `{destination, gateway}[]` for classless-routes.
 */
export interface CustomOption {
  code: number;
  type: CustomOptionType;
  value: string | number | boolean | string[] | number[] | Route[];
}

export interface Route {
  /** CIDR, e.g. `10.30.0.0/16`. */
  destination: string;
  gateway: string;
}

export interface BootConfig {
  /** siaddr: the TFTP/HTTP server the client loads from. */
  next_server?: string;
  /** Boot file (option 67 / `file` field) per client architecture. */
  files?: Partial<Record<BootArchitecture, string>>;
  /** UEFI HTTP boot URL, answered to arch 16/19 with option 60 "HTTPClient". */
  http_url?: string;
  /** iPXE chainloading: firmware PXE loads iPXE, and iPXE (user class "iPXE") gets `script`, so it never loops. */
  ipxe?: IpxeConfig;
}

export interface IpxeConfig {
  /** The iPXE binary (from next_server) per architecture for firmware PXE; an architecture not named gets `files`. */
  files?: Partial<Record<BootArchitecture, string>>;
  /** What a client that is already iPXE loads: an http(s) or tftp URL, usually an iPXE script. */
  script: string;
}

export interface Subnet4Config {
  /** Network in CIDR form, normalised to the network address (`10.20.0.0/24`). */
  cidr: string;
  /** 802.1Q VLAN id when the subnet is served as tagged frames on a trunk. */
  vid?: number;
  /** Our address on this subnet (server identifier); default: the rack's address in the subnet. */
  server_ip?: string;
  gateway?: string;
  dns_servers?: string[];
  domain?: string;
  search?: string[];
  ntp_servers?: string[];
  mtu?: number;
  /** Seconds; default 600. T1/T2 are 50% / 87.5% of it. */
  lease_time?: number;
  routes?: Route[];
  boot?: BootConfig;
  disabled_boot_architectures?: BootArchitecture[];
  options?: CustomOption[];
}

export interface Subnet6Config {
  /** IPv6 prefix in CIDR form (`2001:db8:20::/64`). */
  cidr: string;
  vid?: number;
  dns_servers?: string[];
  search?: string[];
  ntp_servers?: string[];
  /** Seconds; default 86400, minimum 600 (RFC 8415 §21.23). */
  info_refresh_time?: number;
  options?: {
    code: number;
    type: 'hex' | 'string' | 'ipv6' | 'ipv6-list' | 'u8' | 'u16' | 'u32';
    value: string | number | string[];
  }[];
}

export interface Reservation {
  /** Lower-case, colon-separated (`52:54:00:12:34:56`). */
  mac: string;
  ip: string;
  hostname?: string;
  /** Option 61 as lower-case colon hex (`01:52:54:00:12:34:57`). */
  client_id?: string;
  /** CIDR of the subnet this reservation belongs to; derived from `ip` when absent. */
  subnet?: string;
  options?: CustomOption[];
}

export interface Ipam {
  subnets: (Subnet4Config | Subnet6Config)[];
  reservations: Reservation[];
}
