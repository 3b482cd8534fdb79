// What the agent knows about one network interface: read from rtnetlink, consumed by the DHCP policy
// (which subnet a request arrived on) and by the reply path (source MAC and address).

export interface InterfaceAddress {
  family: 4 | 6;
  address: string;
  prefixLength: number;
}

export interface InterfaceInfo {
  name: string;
  index: number;
  /** Lower-case colon form. */
  mac: string;
  up: boolean;
  addresses: InterfaceAddress[];
}
