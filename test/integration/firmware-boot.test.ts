// Real firmware network-boots from rackd (PXE 2.1, RFC 4578 option 93, UEFI 2.x HTTP boot, iPXE chainloading):
// SeaBIOS + the iPXE ROM, OVMF's own PXE and OVMF's HTTP boot, in QEMU under TCG on a tap in a lab namespace.
// Each boot is judged on the serial console: the boot file was fetched and started.

import { execFileSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertRepliesClean, startCapture, tsharkFields } from './lab/capture.js';
import type { Capture } from './lab/capture.js';
import { bootVm, IPXE_NBPS, missingFirmware } from './lab/firmware.js';
import type { FirmwareKind, Vm } from './lab/firmware.js';
import { Lab } from './lab/lab.js';
import { labPrerequisites } from './lab/prerequisites.js';
import { startRackd } from './lab/rackd.js';
import type { RackdHandle } from './lab/rackd.js';
import { startHttp, startTftp } from './peers/boot-servers.js';
import type { BootServer } from './peers/boot-servers.js';
import { rackdTail } from './peers/log-tail.js';

const SERVER = '10.20.0.1';
const HTTP_PORT = 8080;
const SCRIPT_URL = `http://${SERVER}:${HTTP_PORT}/boot.ipxe`;
const SCRIPT_MARKER = 'RACKD-IPXE-SCRIPT';
/** The script's whole line: matching only its start could catch the console file mid-line. */
const SCRIPT_LINE = new RegExp(`${SCRIPT_MARKER} mac=\\S+ ip=\\S+\\n`);

/** One machine per boot, each with its own reservation. */
const MACHINES = {
  biosPlain: { mac: '52:54:00:fb:00:01', ip: '10.20.0.61' },
  ovmfPxe: { mac: '52:54:00:fb:00:02', ip: '10.20.0.62' },
  ovmfHttp: { mac: '52:54:00:fb:00:03', ip: '10.20.0.63' },
  ovmfChain: { mac: '52:54:00:fb:00:04', ip: '10.20.0.64' },
  biosChain: { mac: '52:54:00:fb:00:05', ip: '10.20.0.65' },
} as const;

function ipam(boot: string): string {
  const reservations = Object.entries(MACHINES).map(
    ([name, m]) => `  - { mac: "${m.mac}", ip: ${m.ip}, hostname: ${name.toLowerCase()} }`,
  );
  return `
subnets:
  - cidr: 10.20.0.0/24
    gateway: ${SERVER}
    boot:
${boot
  .trim()
  .split('\n')
  .map((line) => `      ${line}`)
  .join('\n')}
reservations:
${reservations.join('\n')}
`;
}

/** Plain boot files, no chainloading: each firmware gets a real iPXE NBP and is judged on its banner. */
const PLAIN_BOOT = `
next_server: ${SERVER}
files:
  bios: undionly.kpxe
  uefi-amd64: snponly.efi
http_url: http://${SERVER}:${HTTP_PORT}/snponly.efi
`;

/** Chainloading: firmware PXE gets iPXE by architecture, and iPXE gets the script (no loop). */
const CHAIN_BOOT = `
next_server: ${SERVER}
files:
  bios: not-this-one.0
  uefi-amd64: not-this-one.efi
ipxe:
  files:
    bios: undionly.kpxe
    uefi-amd64: snponly.efi
  script: ${SCRIPT_URL}
`;

/** What a failed network boot prints: EDK2's PXE errors, BDS giving up on a boot option, iPXE's errors. */
const BOOT_FAILURE = new RegExp(
  [
    String.raw`PXE-E\d\d`,
    String.raw`BdsDxe: failed to load Boot\d+ "UEFI (PXEv4|HTTPv4)`,
    'No more network devices',
    String.raw`Connection timed out \(https?://ipxe\.org`,
    'Boot failed',
  ].join('|'),
);
/** iPXE's first line when it starts: printed by the ROM at boot and again by every iPXE NBP that runs. */
const IPXE_STARTS = 'iPXE initialising devices';
const BOOT_TIMEOUT_MS = 120_000;

const pre = labPrerequisites(['ip', 'node', 'qemu-system-x86_64', 'dnsmasq', 'tcpdump', 'tshark', '/usr/bin/python3']);

describe('real firmware boots from rackd (QEMU, TCG)', () => {
  let lab: Lab;
  let ns: string;
  let rackd: RackdHandle;
  let tftp: BootServer;
  let http: BootServer;
  let capture: Capture;
  let vm: Vm | undefined;

  beforeAll(async () => {
    pre.assertReady();
    const firmware = missingFirmware();
    if (firmware.length > 0) throw new Error(`firmware missing:\n  ${firmware.join('\n  ')}`);
    lab = await Lab.create('rkfw');
    ns = await lab.addNamespace('srv');
    // The VM's tap on a bridge, so rackd's interface stays up while no VM is running.
    execFileSync('ip', ['-n', ns, 'link', 'add', 'br0', 'type', 'bridge']);
    execFileSync('ip', ['-n', ns, 'tuntap', 'add', 'dev', 'tap0', 'mode', 'tap']);
    execFileSync('ip', ['-n', ns, 'link', 'set', 'tap0', 'master', 'br0', 'up']);
    execFileSync('ip', ['-n', ns, 'link', 'set', 'br0', 'up']);
    await lab.addAddress(ns, 'br0', `${SERVER}/24`);

    const root = lab.tempDir('boot-root');
    copyFileSync(IPXE_NBPS.undionlyKpxe, join(root, 'undionly.kpxe'));
    copyFileSync(IPXE_NBPS.snponlyEfi, join(root, 'snponly.efi'));
    // The test stops QEMU on the marker: Debian's iPXE (2019) has no `poweroff` command to end it from here.
    writeFileSync(join(root, 'boot.ipxe'), `#!ipxe\necho ${SCRIPT_MARKER} mac=\${net0/mac} ip=\${net0/ip}\n`);
    tftp = await startTftp(lab, ns, SERVER, root);
    http = await startHttp(lab, ns, SERVER, HTTP_PORT, root);
    capture = await startCapture(lab, ns, 'br0');
    rackd = await startRackd(lab, ns, { ipamYaml: ipam(PLAIN_BOOT), interfaces: ['br0'] });
  });

  afterEach(async () => {
    await vm?.stop();
    vm = undefined;
  });

  afterAll(async () => {
    await vm?.stop();
    await lab?.destroy();
  });

  async function useBoot(boot: string): Promise<void> {
    const outcome = await rackd.reload(ipam(boot));
    expect(outcome.event, JSON.stringify(outcome)).toBe('config.reloaded');
  }

  async function boot(firmware: FirmwareKind, mac: string, success: RegExp): Promise<string> {
    vm = bootVm(lab, ns, { firmware, tap: 'tap0', mac });
    try {
      const outcome = await vm.waitForConsole(success, BOOT_FAILURE, BOOT_TIMEOUT_MS);
      // The servers' log lines reach us through pipes: let them land before the test counts them.
      await new Promise((resolve) => setTimeout(resolve, 500));
      return outcome.text;
    } catch (err) {
      throw new Error(
        `${(err as Error).message}\n${rackdTail(rackd)}\nTFTP: ${tftp.output().slice(-600)}\nHTTP: ` +
          `${http.output().slice(-600)}`,
        { cause: err },
      );
    }
  }

  function tftpSent(file: string, ip: string): number {
    return tftp
      .output()
      .split('\n')
      .filter((line) => line.includes(`sent `) && line.includes(`/${file} to ${ip}`)).length;
  }

  function httpGets(file: string, ip: string): number {
    return http
      .output()
      .split('\n')
      .filter((line) => line.startsWith(`${ip} `) && line.includes(`"GET /${file} HTTP/1.1" 200`)).length;
  }

  it(
    'SeaBIOS + iPXE ROM (arch 0) loads undionly.kpxe over TFTP and runs it',
    async () => {
      await useBoot(PLAIN_BOOT);
      const m = MACHINES.biosPlain;
      const text = await boot('seabios-ipxe', m.mac, new RegExp(`undionly\\.kpxe\\.\\.\\. ok[\\s\\S]*${IPXE_STARTS}`));
      expect(text).toContain(m.ip);
      expect(tftpSent('undionly.kpxe', m.ip)).toBeGreaterThanOrEqual(1);
    },
    BOOT_TIMEOUT_MS + 30_000,
  );

  it(
    'OVMF PXE (arch 7, EDK2 UefiPxeBcDxe) downloads snponly.efi over TFTP and runs it',
    async () => {
      await useBoot(PLAIN_BOOT);
      const m = MACHINES.ovmfPxe;
      const text = await boot('ovmf-pxe', m.mac, new RegExp(`NBP file downloaded successfully[\\s\\S]*${IPXE_STARTS}`));
      expect(text).toContain(`Station IP address is ${m.ip}`);
      expect(tftpSent('snponly.efi', m.ip)).toBeGreaterThanOrEqual(1);
    },
    BOOT_TIMEOUT_MS + 30_000,
  );

  it(
    'OVMF HTTP boot (arch 16) downloads the URL and runs it',
    async () => {
      await useBoot(PLAIN_BOOT);
      const m = MACHINES.ovmfHttp;
      const text = await boot(
        'ovmf-http',
        m.mac,
        new RegExp(`URI: http://${SERVER}:${HTTP_PORT}/snponly\\.efi[\\s\\S]*${IPXE_STARTS}`),
      );
      expect(text).toContain(m.ip);
      expect(httpGets('snponly.efi', m.ip)).toBeGreaterThanOrEqual(1);
    },
    BOOT_TIMEOUT_MS + 30_000,
  );

  it(
    'OVMF PXE chainloads iPXE (snponly.efi), which then gets the script URL and runs it, once',
    async () => {
      await useBoot(CHAIN_BOOT);
      const m = MACHINES.ovmfChain;
      const text = await boot('ovmf-pxe', m.mac, SCRIPT_LINE);
      expect(text).toContain(`${SCRIPT_MARKER} mac=${m.mac} ip=${m.ip}`);
      // iPXE started once (no chainloading loop); EDK2 reads the file size before the download, so TFTP may log twice.
      expect(text.split(IPXE_STARTS).length - 1).toBe(1);
      expect(tftpSent('snponly.efi', m.ip)).toBeGreaterThanOrEqual(1);
      expect(tftpSent('not-this-one.efi', m.ip)).toBe(0);
      expect(httpGets('boot.ipxe', m.ip)).toBe(1);
    },
    BOOT_TIMEOUT_MS + 30_000,
  );

  it(
    'SeaBIOS + iPXE ROM is already iPXE: it gets the script URL at once, not an iPXE binary',
    async () => {
      await useBoot(CHAIN_BOOT);
      const m = MACHINES.biosChain;
      const text = await boot('seabios-ipxe', m.mac, SCRIPT_LINE);
      expect(text).toContain(`${SCRIPT_MARKER} mac=${m.mac} ip=${m.ip}`);
      expect(text.split(IPXE_STARTS).length - 1).toBe(1);
      expect(tftpSent('undionly.kpxe', m.ip)).toBe(0);
      expect(httpGets('boot.ipxe', m.ip)).toBe(1);
    },
    BOOT_TIMEOUT_MS + 30_000,
  );

  it(
    'on the wire: replies decode cleanly, carry no "PXEClient", and echo option 61 whenever the firmware ' + 'sent it',
    async () => {
      const pcap = await capture.stop();
      await assertRepliesClean(pcap);
      const rows = await tsharkFields(pcap, 'dhcp', [
        'dhcp.id',
        'dhcp.option.dhcp',
        'dhcp.option.type',
        'dhcp.option.vendor_class_id',
        'dhcp.hw.mac_addr',
      ]);
      const sentClientId = new Set(
        rows
          .filter(([, type, codes]) => ['1', '3'].includes(type ?? '') && codes?.split(',').includes('61'))
          .map(([xid]) => xid),
      );
      const replies = rows.filter(([, type]) => ['2', '5'].includes(type ?? ''));
      for (const [xid, type, codes, vendorClass] of replies) {
        expect(vendorClass ?? '', `reply ${type} xid ${xid}`).not.toContain('PXEClient');
        if (sentClientId.has(xid)) expect(codes?.split(','), `reply ${type} xid ${xid}`).toContain('61');
      }
      expect(sentClientId.size, 'iPXE sends option 61: the capture should hold such requests').toBeGreaterThan(0);
      for (const { mac } of Object.values(MACHINES)) {
        expect(replies.filter((row) => row[4]?.startsWith(mac)).length, `replies to ${mac}`).toBeGreaterThanOrEqual(2);
      }
    },
  );
});
