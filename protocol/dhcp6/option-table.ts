// DHCPv6 option definitions as data (RFC 8415 §21, RFC 3646 DNS, RFC 4075 SNTP, RFC 5908 NTP, RFC 8357):
// one table drives decode, encode and accessors, as DHCPv4's table does. Codes absent here stay raw bytes.

import { indexByCode } from '../dhcp4/option-table.js';
import type { Duid } from './duid.js';
import type { Dhcp6Option } from './message.js';

export const OPTION6_TYPES = [
  'duid',
  'u8',
  'u16',
  'u32',
  'u16-list',
  'ipv6',
  'ipv6-list',
  'domain-list',
  'string',
  'bytes',
  'empty',
  'status-code',
  'ia-na',
  'ia-ta',
  'ia-pd',
  'ia-address',
  'ia-prefix',
  'vendor-class',
  'opaque-list',
  'ntp-server',
] as const;
export type Option6Type = (typeof OPTION6_TYPES)[number];

/** RFC 8415 §21.13 status codes (and §21.13's IANA registry). */
export enum StatusCode6 {
  Success = 0,
  UnspecFail = 1,
  NoAddrsAvail = 2,
  NoBinding = 3,
  NotOnLink = 4,
  UseMulticast = 5,
  NoPrefixAvail = 6,
}

export interface StatusCodeValue {
  status: number;
  /** UTF-8 text for a person (§21.13). */
  message: string;
}

/** §21.4 IA_NA and §21.21 IA_PD; IA_TA (§21.5) has no T1/T2. */
export interface IaValue {
  iaid: number;
  t1: number;
  t2: number;
  options: Dhcp6Option[];
}
export type IaTaValue = Omit<IaValue, 't1' | 't2'>;

export interface IaAddressValue {
  address: string;
  preferredLifetime: number;
  validLifetime: number;
  options: Dhcp6Option[];
}

export interface IaPrefixValue {
  preferredLifetime: number;
  validLifetime: number;
  prefixLength: number;
  prefix: string;
  options: Dhcp6Option[];
}

/** §21.16: an enterprise number and opaque class data items. */
export interface VendorClassValue {
  enterpriseNumber: number;
  data: Buffer[];
}

/** RFC 5908 §4 time source sub-options (one per option 56 instance; unknown ones kept raw). */
export type NtpSuboption =
  | { kind: 'address'; address: string }
  | { kind: 'multicast'; address: string }
  | { kind: 'fqdn'; name: string }
  | { kind: 'unknown'; code: number; data: Buffer };

export interface Option6ValueByType {
  duid: Duid;
  u8: number;
  u16: number;
  u32: number;
  'u16-list': number[];
  ipv6: string;
  'ipv6-list': string[];
  'domain-list': string[];
  string: string;
  bytes: Buffer;
  empty: null;
  'status-code': StatusCodeValue;
  'ia-na': IaValue;
  'ia-ta': IaTaValue;
  'ia-pd': IaValue;
  'ia-address': IaAddressValue;
  'ia-prefix': IaPrefixValue;
  'vendor-class': VendorClassValue;
  'opaque-list': Buffer[];
  'ntp-server': NtpSuboption[];
}

export interface Option6Def {
  readonly code: number;
  readonly type: Option6Type;
}

export const DHCP6_OPTIONS = {
  'client-id': { code: 1, type: 'duid' },
  'server-id': { code: 2, type: 'duid' },
  'ia-na': { code: 3, type: 'ia-na' },
  'ia-ta': { code: 4, type: 'ia-ta' },
  'ia-address': { code: 5, type: 'ia-address' },
  oro: { code: 6, type: 'u16-list' },
  preference: { code: 7, type: 'u8' },
  'elapsed-time': { code: 8, type: 'u16' },
  'relay-message': { code: 9, type: 'bytes' },
  auth: { code: 11, type: 'bytes' },
  unicast: { code: 12, type: 'ipv6' },
  'status-code': { code: 13, type: 'status-code' },
  'rapid-commit': { code: 14, type: 'empty' },
  'user-class': { code: 15, type: 'opaque-list' },
  'vendor-class': { code: 16, type: 'vendor-class' },
  'vendor-opts': { code: 17, type: 'bytes' },
  'interface-id': { code: 18, type: 'bytes' },
  'reconfigure-message': { code: 19, type: 'u8' },
  'reconfigure-accept': { code: 20, type: 'empty' },
  'dns-servers': { code: 23, type: 'ipv6-list' },
  'domain-list': { code: 24, type: 'domain-list' },
  'ia-pd': { code: 25, type: 'ia-pd' },
  'ia-prefix': { code: 26, type: 'ia-prefix' },
  'sntp-servers': { code: 31, type: 'ipv6-list' },
  'information-refresh-time': { code: 32, type: 'u32' },
  'client-fqdn': { code: 39, type: 'bytes' },
  'ntp-server': { code: 56, type: 'ntp-server' },
  'sol-max-rt': { code: 82, type: 'u32' },
  'inf-max-rt': { code: 83, type: 'u32' },
  'relay-source-port': { code: 135, type: 'u16' },
} as const satisfies Record<string, Option6Def>;

export type Dhcp6OptionName = keyof typeof DHCP6_OPTIONS;
export type Dhcp6OptionValue<N extends Dhcp6OptionName> = Option6ValueByType[(typeof DHCP6_OPTIONS)[N]['type']];

const BY_CODE = indexByCode<Dhcp6OptionName, Option6Def>(DHCP6_OPTIONS);

/** The definition of a code, or undefined for codes this table does not know (kept as raw bytes). */
export function option6DefByCode(code: number): (Option6Def & { name: Dhcp6OptionName }) | undefined {
  return BY_CODE.get(code);
}
