// Network boot answers (RFC 4578 §2.1 option 93, PXE 2.1, UEFI 2.x HTTP boot "HTTPClient", iPXE chainloading;
// RFC 2132 §9.4/§9.5 options 66/67, RFC 2131 §2 siaddr/file): compiled per architecture, chosen per request.

import type { Dhcp4Message } from '../../protocol/dhcp4/message.js';
import { BOOT_ARCHITECTURES } from '../../protocol/ipam/types.js';
import type { BootArchitecture, BootConfig } from '../../protocol/ipam/types.js';
import { bootClient } from './boot-client.js';

const HTTP_CLIENT = Buffer.from('HTTPClient', 'latin1');
/** UEFI HTTP boot architectures (IANA processor architecture types 16 and 19). */
const HTTP_ARCHS: ReadonlySet<number> = new Set([
  BOOT_ARCHITECTURES['uefi-amd64-http'],
  BOOT_ARCHITECTURES['uefi-arm64-http'],
]);

/** A boot file or URL as it travels: the BOOTP `file` field (when it fits) and option 67. */
interface CompiledFile {
  /** The name when it fits the 128-byte `file` field, else '' (option 67 then carries it alone). */
  readonly field: string;
  readonly option: Buffer;
}

export interface CompiledBoot {
  readonly nextServer: string | undefined;
  /** Option 66 (TFTP server name) carrying next_server. */
  readonly tftpServerOption: Buffer | undefined;
  readonly httpUrl: CompiledFile | undefined;
  /** Option-93 architecture number → boot file. */
  readonly files: ReadonlyMap<number, CompiledFile>;
  /** Chainloading: the iPXE binary firmware PXE gets, by architecture, instead of `files`. */
  readonly ipxeFiles: ReadonlyMap<number, CompiledFile>;
  /** Chainloading: what a client that is already iPXE gets. */
  readonly ipxeScript: CompiledFile | undefined;
}

/** What a booting client gets besides its lease. */
export interface BootAnswer {
  /** The BOOTP `file` header field. */
  file: string;
  /** The BOOTP `siaddr` header field, when a next server is configured. */
  siaddr: string | undefined;
  /** Option 60 always sent back: "HTTPClient", without which UEFI HTTP boot ignores the offer. */
  vendorClass: Buffer | undefined;
  /**
   * A PXE firmware client. Its reply carries "PXEClient" in option 60 only with a boot-server option 43
   * (PXE 2.1 §2.4): with "PXEClient" and no 43, EDK2 and Intel ROMs take the offer for a BINL offer and ask
   * port 4011 for the boot file instead of loading `file`.
   */
  pxeClient: boolean;
  /** Options 66 and 67, sent when requested; 67 always when `file` could not hold the name. */
  tftpServerOption: Buffer | undefined;
  bootFileOption: Buffer | undefined;
}

/** The BOOTP `file` field holds 128 latin1 bytes, NUL-terminated when shorter. */
const FILE_FIELD_LENGTH = 128;

function compileFile(name: string): CompiledFile {
  const fits = name.length <= FILE_FIELD_LENGTH && !name.includes('\0') && !/[\u0100-\uffff]/.test(name);
  return { field: fits ? name : '', option: Buffer.from(name, 'utf8') };
}

function compileFiles(files: BootConfig['files']): Map<number, CompiledFile> {
  const compiled = new Map<number, CompiledFile>();
  for (const [name, file] of Object.entries(files ?? {}) as [BootArchitecture, string | undefined][]) {
    if (file !== undefined) compiled.set(BOOT_ARCHITECTURES[name], compileFile(file));
  }
  return compiled;
}

export function compileBoot(boot: BootConfig): CompiledBoot {
  return {
    nextServer: boot.next_server,
    tftpServerOption: boot.next_server === undefined ? undefined : Buffer.from(boot.next_server, 'latin1'),
    httpUrl: boot.http_url === undefined ? undefined : compileFile(boot.http_url),
    files: compileFiles(boot.files),
    ipxeFiles: compileFiles(boot.ipxe?.files),
    ipxeScript: boot.ipxe === undefined ? undefined : compileFile(boot.ipxe.script),
  };
}

function answer(
  file: CompiledFile | undefined,
  siaddr: string | undefined,
  rest: Pick<BootAnswer, 'vendorClass' | 'pxeClient' | 'tftpServerOption'>,
): BootAnswer {
  return { file: file?.field ?? '', siaddr, bootFileOption: file?.option, ...rest };
}

/**
 * The boot answer for a request, or undefined when the client is not network-booting, the subnet has no
 * boot config, or the client's architecture is disabled (it still gets its lease). In order: a client that
 * is already iPXE gets the iPXE script; UEFI HTTP boot gets the URL; firmware PXE gets the iPXE binary for
 * its architecture when chainloading, else the boot file. Throws DecodeError when option 93 is malformed.
 */
export function resolveBoot(
  request: Dhcp4Message,
  boot: CompiledBoot | undefined,
  disabledArchs: ReadonlySet<number>,
): BootAnswer | undefined {
  if (boot === undefined) return undefined;
  const client = bootClient(request);
  if (client === undefined || disabledArchs.has(client.arch)) return undefined;
  const tftp = { vendorClass: undefined, pxeClient: client.pxe, tftpServerOption: boot.tftpServerOption };
  if (client.ipxe && boot.ipxeScript !== undefined) return answer(boot.ipxeScript, boot.nextServer, tftp);
  if (HTTP_ARCHS.has(client.arch) && boot.httpUrl !== undefined) {
    return answer(boot.httpUrl, undefined, { vendorClass: HTTP_CLIENT, pxeClient: false, tftpServerOption: undefined });
  }
  return answer(boot.ipxeFiles.get(client.arch) ?? boot.files.get(client.arch), boot.nextServer, tftp);
}
