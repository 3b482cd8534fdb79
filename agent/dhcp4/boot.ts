// Network boot answers (RFC 4578 §2.1 option 93, PXE 2.1 option 60 "PXEClient", UEFI 2.x HTTP boot
// "HTTPClient"; RFC 2132 §9.4/§9.5 options 66/67): compiled per architecture, chosen per request.

import type { Dhcp4Message } from '../../protocol/dhcp4/message.js';
import { getOption } from '../../protocol/dhcp4/options.js';
import { BOOT_ARCHITECTURES } from '../../protocol/ipam/types.js';
import type { BootArchitecture, BootConfig } from '../../protocol/ipam/types.js';

const PXE_CLIENT = Buffer.from('PXEClient', 'latin1');
const HTTP_CLIENT = Buffer.from('HTTPClient', 'latin1');
/** UEFI HTTP boot architectures (IANA processor architecture types 16 and 19). */
const HTTP_ARCHS: ReadonlySet<number> = new Set([BOOT_ARCHITECTURES['uefi-amd64-http'], BOOT_ARCHITECTURES['uefi-arm64-http']]);

export interface CompiledBoot {
  readonly nextServer: string | undefined;
  /** Option 66 (TFTP server name) carrying next_server. */
  readonly tftpServerOption: Buffer | undefined;
  readonly httpUrl: string | undefined;
  /** `httpUrl` when it fits the `file` field, else ''. */
  readonly httpUrlField: string;
  /** Option 67 carrying the HTTP boot URL. */
  readonly httpUrlOption: Buffer | undefined;
  /** Option-93 architecture number → boot file name and its option 67. */
  readonly files: ReadonlyMap<number, { readonly file: string; readonly option: Buffer }>;
}

/** What a booting client gets besides its lease. */
export interface BootAnswer {
  /** The BOOTP `file` header field. */
  file: string;
  /** The BOOTP `siaddr` header field, when a next server is configured. */
  siaddr: string | undefined;
  /** Option 60 to send back, required by PXE and UEFI HTTP boot clients to accept the offer. */
  vendorClass: Buffer | undefined;
  /** Options 66 and 67, sent when requested. */
  tftpServerOption: Buffer | undefined;
  bootFileOption: Buffer | undefined;
}

/** The BOOTP `file` field holds 128 latin1 bytes; a longer name or URL travels in option 67 only. */
const FILE_FIELD_LENGTH = 128;

function fileField(name: string): string {
  return name.length <= FILE_FIELD_LENGTH && !name.includes('\0') && !/[\u0100-\uffff]/.test(name) ? name : '';
}

export function compileBoot(boot: BootConfig): CompiledBoot {
  const files = new Map<number, { file: string; option: Buffer }>();
  for (const [name, file] of Object.entries(boot.files ?? {}) as [BootArchitecture, string | undefined][]) {
    if (file !== undefined) files.set(BOOT_ARCHITECTURES[name], { file: fileField(file), option: Buffer.from(file, 'utf8') });
  }
  return {
    nextServer: boot.next_server,
    tftpServerOption: boot.next_server === undefined ? undefined : Buffer.from(boot.next_server, 'latin1'),
    httpUrl: boot.http_url,
    httpUrlField: boot.http_url === undefined ? '' : fileField(boot.http_url),
    httpUrlOption: boot.http_url === undefined ? undefined : Buffer.from(boot.http_url, 'utf8'),
    files,
  };
}

function startsWith(data: Buffer | undefined, prefix: Buffer): boolean {
  return data !== undefined && data.length >= prefix.length && data.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}

/**
 * The boot answer for a request, or undefined when the client is not network-booting, the subnet has no
 * boot config, or the client's architecture is disabled (it still gets its lease).
 * Throws DecodeError when option 93 is malformed.
 */
export function resolveBoot(
  request: Dhcp4Message,
  boot: CompiledBoot | undefined,
  disabledArchs: ReadonlySet<number>,
): BootAnswer | undefined {
  const vendorClass = request.options.get(60);
  const isPxe = startsWith(vendorClass, PXE_CLIENT);
  if (!isPxe && !request.options.has(93) && !startsWith(vendorClass, HTTP_CLIENT)) return undefined;
  if (boot === undefined) return undefined;
  // RFC 4578 §2.1: a client may list several architectures, most preferred first; absent means BIOS.
  const arch = getOption(request.options, 'client-system-architecture')?.[0] ?? BOOT_ARCHITECTURES.bios;
  if (disabledArchs.has(arch)) return undefined;
  if (HTTP_ARCHS.has(arch) && boot.httpUrl !== undefined) {
    return {
      file: boot.httpUrlField,
      siaddr: undefined,
      vendorClass: HTTP_CLIENT,
      tftpServerOption: undefined,
      bootFileOption: boot.httpUrlOption,
    };
  }
  const entry = boot.files.get(arch);
  return {
    file: entry?.file ?? '',
    siaddr: boot.nextServer,
    vendorClass: isPxe ? PXE_CLIENT : undefined,
    tftpServerOption: boot.tftpServerOption,
    bootFileOption: entry?.option,
  };
}
