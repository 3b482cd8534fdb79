// Real network-boot firmware in QEMU (TCG: KVM is not usable on this host), for tests that boot a VM from
// rackd: SeaBIOS with the iPXE option ROM, OVMF's own PXE (EDK2 UefiPxeBcDxe) and OVMF's HTTP boot.
// The serial console goes to a file; a boot is stopped as soon as the console shows its outcome.

import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Lab } from './lab.js';

/** Debian's firmware images (packages ovmf, ipxe-qemu, seabios). */
export const FIRMWARE_FILES = {
  ovmfCode: '/usr/share/OVMF/OVMF_CODE_4M.fd',
  ovmfVars: '/usr/share/OVMF/OVMF_VARS_4M.fd',
  ipxeRomE1000: '/usr/lib/ipxe/qemu/pxe-e1000.rom',
  seabios: '/usr/share/seabios/bios-256k.bin',
} as const;

/** Debian's iPXE builds (package ipxe), used as real NBPs: each prints its banner when it runs. */
export const IPXE_NBPS = {
  undionlyKpxe: '/usr/lib/ipxe/undionly.kpxe',
  snponlyEfi: '/usr/lib/ipxe/snponly.efi',
  ipxeEfi: '/usr/lib/ipxe/ipxe.efi',
} as const;

/**
 * - `seabios-ipxe`: legacy BIOS, NIC e1000 with Debian's iPXE PXE ROM (client architecture 0, and already iPXE).
 * - `ovmf-pxe`: UEFI x64, virtio-net with no option ROM, so OVMF's own PXE driver boots (architecture 7).
 * - `ovmf-http`: the same with IPv4 PXE turned off, so HTTP boot over IPv4 is tried first (architecture 16).
 */
export type FirmwareKind = 'seabios-ipxe' | 'ovmf-pxe' | 'ovmf-http';

export interface VmOptions {
  firmware: FirmwareKind;
  /** A tap device that already exists in `ns` (and is enslaved to the lab's bridge). */
  tap: string;
  mac: string;
}

export interface ConsoleOutcome {
  /** The whole console text when the outcome was decided. */
  text: string;
  /** The line that matched. */
  line: string;
}

export interface Vm {
  readonly pid: number;
  readonly consolePath: string;
  console(): string;
  /**
   * Resolves when the console shows `success`; rejects when it shows `failure`, when QEMU exits, or after
   * `timeoutMs`, quoting the console's tail.
   */
  waitForConsole(success: RegExp, failure: RegExp | undefined, timeoutMs: number): Promise<ConsoleOutcome>;
  /** Kills QEMU (by its own PID) and waits for it to go. Idempotent. */
  stop(): Promise<void>;
}

/** The console text with the ANSI escapes and carriage returns firmware writes removed. */
const ANSI_ESCAPES = new RegExp(String.raw`\x1b(\[[0-9;?]*[A-Za-z]|[()][A-Z0-9])`, 'g');

export function plainConsole(raw: string): string {
  return raw.replace(ANSI_ESCAPES, '').replace(/\r/g, '');
}

function firmwareArgs(dir: string, opts: VmOptions): string[] {
  const net = ['-netdev', `tap,id=n0,ifname=${opts.tap},script=no,downscript=no`];
  if (opts.firmware === 'seabios-ipxe') {
    // SeaBIOS mirrors its text console (and the option ROM's) to this port.
    const sercon = join(dir, 'sercon-port');
    const port = Buffer.alloc(4);
    port.writeUInt32LE(0x3f8);
    writeFileSync(sercon, port);
    return [
      ...net,
      '-device',
      `e1000,netdev=n0,mac=${opts.mac},romfile=${FIRMWARE_FILES.ipxeRomE1000}`,
      '-fw_cfg',
      `name=etc/sercon-port,file=${sercon}`,
      '-boot',
      'order=n',
    ];
  }
  const vars = join(dir, 'OVMF_VARS.fd');
  copyFileSync(FIRMWARE_FILES.ovmfVars, vars);
  return [
    '-drive',
    `if=pflash,format=raw,unit=0,readonly=on,file=${FIRMWARE_FILES.ovmfCode}`,
    '-drive',
    `if=pflash,format=raw,unit=1,file=${vars}`,
    ...net,
    // No option ROM: OVMF's own network stack (SNP, PXE, HTTP boot) drives the NIC.
    '-device',
    `virtio-net-pci,netdev=n0,mac=${opts.mac},romfile=`,
    '-fw_cfg',
    'name=opt/org.tianocore/IPv6PXESupport,string=n',
    ...(opts.firmware === 'ovmf-http' ? ['-fw_cfg', 'name=opt/org.tianocore/IPv4PXESupport,string=n'] : []),
  ];
}

export function bootVm(lab: Lab, ns: string, opts: VmOptions): Vm {
  const dir = lab.tempDir(`vm-${opts.firmware}`);
  const consolePath = join(dir, 'console.log');
  writeFileSync(consolePath, '');
  const args = [
    '-accel',
    'tcg',
    '-machine',
    'q35',
    '-m',
    '512',
    '-nographic',
    '-serial',
    `file:${consolePath}`,
    '-monitor',
    'none',
    '-no-reboot',
    ...firmwareArgs(dir, opts),
  ];
  const child: ChildProcess = lab.spawn(ns, 'qemu-system-x86_64', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));

  const read = (): string => plainConsole(readFileSync(consolePath, 'latin1'));
  const tail = (): string => read().split('\n').slice(-25).join('\n');

  return {
    pid: child.pid ?? -1,
    consolePath,
    console: read,
    waitForConsole(success, failure, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      return new Promise<ConsoleOutcome>((resolve, reject) => {
        const check = (): void => {
          const text = read();
          const hit = success.exec(text);
          if (hit) return resolve({ text, line: lineAt(text, hit.index) });
          const bad = failure?.exec(text);
          if (bad)
            return reject(
              new Error(`${opts.firmware}: console shows failure "${lineAt(text, bad.index)}"; tail:\n${tail()}`),
            );
          if (gone)
            return reject(new Error(`${opts.firmware}: QEMU exited (${stderr.trim()}); console tail:\n${tail()}`));
          if (Date.now() > deadline)
            return reject(
              new Error(`${opts.firmware}: no ${success} on the console in ${timeoutMs} ms; tail:\n${tail()}`),
            );
          setTimeout(check, 200);
        };
        check();
      });
    },
    async stop() {
      if (gone || child.pid === undefined) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

function lineAt(text: string, index: number): string {
  const start = text.lastIndexOf('\n', index) + 1;
  const end = text.indexOf('\n', index);
  return text.slice(start, end === -1 ? undefined : end).trim();
}

/** Missing firmware files, each with the Debian package that ships it. */
export function missingFirmware(): string[] {
  const packages: Record<string, string> = {
    [FIRMWARE_FILES.ovmfCode]: 'ovmf',
    [FIRMWARE_FILES.ovmfVars]: 'ovmf',
    [FIRMWARE_FILES.ipxeRomE1000]: 'ipxe-qemu',
    [FIRMWARE_FILES.seabios]: 'seabios',
    [IPXE_NBPS.undionlyKpxe]: 'ipxe',
    [IPXE_NBPS.snponlyEfi]: 'ipxe',
  };
  return Object.entries(packages)
    .filter(([path]) => !existsSync(path))
    .map(([path, pkg]) => `${path} not found: apt-get install ${pkg}`);
}
