// What kind of network-booting client sent a request: PXE firmware (PXE 2.1 option 60 "PXEClient"), UEFI HTTP
// boot ("HTTPClient", RFC 4578 §2.1 architectures 16/19) or iPXE (user class "iPXE", RFC 3004; option 175).

import type { Dhcp4Message } from '../../protocol/dhcp4/message.js';
import { getOption } from '../../protocol/dhcp4/options.js';
import { BOOT_ARCHITECTURES } from '../../protocol/ipam/types.js';

const PXE_CLIENT = Buffer.from('PXEClient', 'latin1');
const HTTP_CLIENT = Buffer.from('HTTPClient', 'latin1');
const IPXE = Buffer.from('iPXE', 'latin1');
/** iPXE's own encapsulated options: present in every request an iPXE build sends. */
const IPXE_ENCAPSULATED = 175;

export interface BootClient {
  /** The first architecture of option 93 (the client's preferred one, RFC 4578 §2.1); absent means BIOS. */
  arch: number;
  /** Option 60 starts with "PXEClient". */
  pxe: boolean;
  /** Already iPXE: gets a script, not an iPXE binary, so chainloading does not loop. */
  ipxe: boolean;
}

function startsWith(data: Buffer | undefined, prefix: Buffer): boolean {
  return (
    data !== undefined && data.length >= prefix.length && data.compare(prefix, 0, prefix.length, 0, prefix.length) === 0
  );
}

/**
 * Option 77 naming iPXE: iPXE sends the bare bytes "iPXE" (not RFC 3004's length-prefixed form), which
 * dnsmasq and Kea match as-is; a client that does use RFC 3004 form is matched on any of its instances.
 */
function userClassIsIpxe(data: Buffer | undefined): boolean {
  if (data === undefined) return false;
  if (data.equals(IPXE)) return true;
  let at = 0;
  while (at < data.length) {
    const length = data[at] as number;
    if (length === 0 || at + 1 + length > data.length) return false;
    if (length === IPXE.length && data.compare(IPXE, 0, IPXE.length, at + 1, at + 1 + length) === 0) return true;
    at += 1 + length;
  }
  return false;
}

/**
 * The request's boot client, or undefined when it is not network-booting (no PXEClient/HTTPClient, no
 * option 93, not iPXE). Throws DecodeError when option 93 is malformed.
 */
export function bootClient(request: Dhcp4Message): BootClient | undefined {
  const vendorClass = request.options.get(60);
  const pxe = startsWith(vendorClass, PXE_CLIENT);
  const ipxe = request.options.has(IPXE_ENCAPSULATED) || userClassIsIpxe(request.options.get(77));
  if (!pxe && !ipxe && !request.options.has(93) && !startsWith(vendorClass, HTTP_CLIENT)) return undefined;
  const arch = getOption(request.options, 'client-system-architecture')?.[0] ?? BOOT_ARCHITECTURES.bios;
  return { arch, pxe, ipxe };
}
