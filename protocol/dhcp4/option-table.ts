// DHCPv4 option definitions as data (RFC 2132, 3004, 3046, 3397, 3442, 4578, 3011, 5859): one table drives
// decode, encode and the config schema, as Kea's std_option_defs.h does. Codes absent here stay raw bytes.

/** Wire types a definition can name. Config-file custom options use the same names, plus `hex` for `bytes`. */
export const OPTION_TYPES = [
  'ipv4',
  'ipv4-list',
  'u8',
  'u16',
  'u32',
  'i32',
  'bool',
  'string',
  'bytes',
  'u8-list',
  'u16-list',
  'domain-list',
  'classless-routes',
] as const;
export type OptionType = (typeof OPTION_TYPES)[number];

/** One RFC 3442 route: `destination` in CIDR form (`10.30.0.0/16`, default route `0.0.0.0/0`). */
export interface ClasslessRoute {
  destination: string;
  gateway: string;
}

/** The decoded value of each wire type. */
export interface OptionValueByType {
  ipv4: string;
  'ipv4-list': string[];
  u8: number;
  u16: number;
  u32: number;
  i32: number;
  bool: boolean;
  string: string;
  bytes: Buffer;
  'u8-list': number[];
  'u16-list': number[];
  'domain-list': string[];
  'classless-routes': ClasslessRoute[];
}

export interface OptionDef {
  readonly code: number;
  readonly type: OptionType;
}

export const DHCP4_OPTIONS = {
  'subnet-mask': { code: 1, type: 'ipv4' },
  'time-offset': { code: 2, type: 'i32' },
  routers: { code: 3, type: 'ipv4-list' },
  'time-servers': { code: 4, type: 'ipv4-list' },
  'domain-name-servers': { code: 6, type: 'ipv4-list' },
  'log-servers': { code: 7, type: 'ipv4-list' },
  'host-name': { code: 12, type: 'string' },
  'boot-size': { code: 13, type: 'u16' },
  'domain-name': { code: 15, type: 'string' },
  'root-path': { code: 17, type: 'string' },
  'ip-forwarding': { code: 19, type: 'bool' },
  'default-ip-ttl': { code: 23, type: 'u8' },
  'interface-mtu': { code: 26, type: 'u16' },
  'broadcast-address': { code: 28, type: 'ipv4' },
  'static-routes': { code: 33, type: 'ipv4-list' },
  'ntp-servers': { code: 42, type: 'ipv4-list' },
  'vendor-encapsulated-options': { code: 43, type: 'bytes' },
  'netbios-name-servers': { code: 44, type: 'ipv4-list' },
  'requested-address': { code: 50, type: 'ipv4' },
  'lease-time': { code: 51, type: 'u32' },
  'message-type': { code: 53, type: 'u8' },
  'server-identifier': { code: 54, type: 'ipv4' },
  'parameter-request-list': { code: 55, type: 'u8-list' },
  message: { code: 56, type: 'string' },
  'max-message-size': { code: 57, type: 'u16' },
  'renewal-time': { code: 58, type: 'u32' },
  'rebinding-time': { code: 59, type: 'u32' },
  'vendor-class-identifier': { code: 60, type: 'string' },
  'client-identifier': { code: 61, type: 'bytes' },
  'tftp-server-name': { code: 66, type: 'string' },
  'boot-file-name': { code: 67, type: 'string' },
  'user-class': { code: 77, type: 'bytes' },
  'client-fqdn': { code: 81, type: 'bytes' },
  'relay-agent-information': { code: 82, type: 'bytes' },
  'client-system-architecture': { code: 93, type: 'u16-list' },
  'client-network-interface-identifier': { code: 94, type: 'bytes' },
  'uuid-guid': { code: 97, type: 'bytes' },
  'subnet-selection': { code: 118, type: 'ipv4' },
  'domain-search': { code: 119, type: 'domain-list' },
  'classless-static-routes': { code: 121, type: 'classless-routes' },
  'tftp-server-address': { code: 150, type: 'ipv4-list' },
  'pxelinux-config-file': { code: 209, type: 'string' },
  'pxelinux-path-prefix': { code: 210, type: 'string' },
} as const satisfies Record<string, OptionDef>;

export type Dhcp4OptionName = keyof typeof DHCP4_OPTIONS;
export type Dhcp4OptionValue<N extends Dhcp4OptionName> = OptionValueByType[(typeof DHCP4_OPTIONS)[N]['type']];

/** Code → definition with its name, for a table keyed by name (shared with the DHCPv6 table). */
export function indexByCode<N extends string, D extends { readonly code: number }>(
  table: Readonly<Record<N, D>>,
): ReadonlyMap<number, D & { name: N }> {
  return new Map((Object.entries(table) as [N, D][]).map(([name, def]) => [def.code, { ...def, name }]));
}

const BY_CODE = indexByCode<Dhcp4OptionName, OptionDef>(DHCP4_OPTIONS);

/** The definition of a code, or undefined for codes this table does not know (kept as raw bytes). */
export function optionDefByCode(code: number): (OptionDef & { name: Dhcp4OptionName }) | undefined {
  return BY_CODE.get(code);
}
