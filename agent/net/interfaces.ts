// Reads links and their addresses over rtnetlink (the `netlink` binding): the agent's view of which
// interfaces exist, their MAC, and which IPv4/IPv6 prefixes they sit on.

import { createRtNetlink } from 'netlink';
import type { RtNetlinkSocket } from 'netlink';
import type { InterfaceAddress, InterfaceInfo } from './interface-info.js';
import { bytesToColonHex } from '../../protocol/net/mac.js';

const AF_INET = 2;
const AF_INET6 = 10;

function formatAddress(family: number, bytes: Buffer): string {
  if (family === AF_INET) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  // Shortest form is not needed for matching (we compare parsed values), but read nicer in logs.
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

async function readAddresses(rt: RtNetlinkSocket): Promise<Map<number, InterfaceAddress[]>> {
  const byIndex = new Map<number, InterfaceAddress[]>();
  for (const message of await rt.getAddresses()) {
    const { family, prefixlen, index } = message.data;
    const raw = message.attrs.local ?? message.attrs.address;
    if ((family !== AF_INET && family !== AF_INET6) || !raw || index === undefined) continue;
    const list = byIndex.get(index) ?? [];
    list.push({
      family: family === AF_INET ? 4 : 6,
      address: formatAddress(family, raw),
      prefixLength: prefixlen ?? 0,
    });
    byIndex.set(index, list);
  }
  return byIndex;
}

/** Every link with its addresses, as the kernel reports them now. */
export async function readInterfaces(): Promise<InterfaceInfo[]> {
  const rt = createRtNetlink();
  try {
    const addresses = await readAddresses(rt);
    const links = await rt.getLinks();
    return links.flatMap((link): InterfaceInfo[] => {
      const index = link.data.index;
      const name = link.attrs.ifname;
      if (index === undefined || name === undefined) return [];
      const mac = link.attrs.address ? bytesToColonHex(link.attrs.address) : '00:00:00:00:00:00';
      return [{ name, index, mac, up: Boolean(link.data.flags?.up), addresses: addresses.get(index) ?? [] }];
    });
  } finally {
    rt.socket.socket.close();
  }
}
