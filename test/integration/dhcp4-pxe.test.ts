// PXE and UEFI HTTP boot answers by client architecture (RFC 4578 §2.1 option 93, RFC 2132 §9.13 option 60,
// RFC 2131 §2 siaddr/file; UEFI 2.x §24.7 HTTP boot "HTTPClient"), as seen by busybox udhcpc.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab } from './lab/lab.js';
import { startRackd } from './lab/rackd.js';
import type { RackdHandle } from './lab/rackd.js';
import { assertRepliesClean, startCapture } from './lab/capture.js';
import { udhcpc } from './lab/clients.js';
import type { ClientEnv } from './lab/clients.js';
import { labPrerequisites } from './lab/prerequisites.js';

const MAC = '52:54:00:20:00:42';
const NEXT_SERVER = '10.20.0.9';
const HTTP_URL = 'http://10.20.0.9/boot/uefi/shimx64.efi';

const IPAM = `
subnets:
  - cidr: 10.20.0.0/24
    gateway: 10.20.0.1
    boot:
      next_server: ${NEXT_SERVER}
      files:
        bios: lpxelinux.0
        uefi-amd64: bootx64.efi
        uefi-arm64: grubaa64.efi
      http_url: ${HTTP_URL}
    disabled_boot_architectures: [uefi-arm64]
reservations:
  - mac: "${MAC}"
    ip: 10.20.0.42
    hostname: pxe-host
`;

/**
 * Option 60 as udhcpc reports it: busybox 1.35 names it `vendor` (seen against kea-dhcp4 on this machine);
 * a build without that name would report it as `opt60` in hex.
 */
function vendorClass(env: ClientEnv | undefined): string | undefined {
  if (env?.vendor !== undefined) return env.vendor;
  return env?.opt60 === undefined ? undefined : Buffer.from(env.opt60, 'hex').toString('latin1');
}

const pre = labPrerequisites(['ip', 'node', 'udhcpc', 'tcpdump', 'tshark']);

describe('PXE boot options by client architecture', () => {
  let lab: Lab;
  let rackd: RackdHandle;
  let pcap: string;
  const leases: Record<string, ClientEnv | undefined> = {};

  beforeAll(async () => {
    pre.assertReady();
    lab = await Lab.create('rkv');
    const srv = await lab.addNamespace('srv');
    const cli = await lab.addNamespace('cli');
    await lab.link(srv, 'rk0', cli, 'cl0', { macB: MAC });
    await lab.addAddress(srv, 'rk0', '10.20.0.1/24');

    const capture = await startCapture(lab, srv, 'rk0');
    rackd = await startRackd(lab, srv, { ipamYaml: IPAM, interfaces: ['rk0'] });
    // udhcpc's -x takes the option value as hex; option 93 is a 16-bit architecture type.
    leases.uefiAmd64 = await udhcpc(lab, cli, 'cl0', { extraArgs: ['-x', '93:0007'] });
    leases.uefiHttp = await udhcpc(lab, cli, 'cl0', { extraArgs: ['-x', '93:0010'] });
    leases.uefiArm64 = await udhcpc(lab, cli, 'cl0', { extraArgs: ['-x', '93:000b'] });
    // Old BIOS PXE ROMs announce the architecture only in the vendor class (PXE 2.1 §2.2.5).
    leases.biosVendorClass = await udhcpc(lab, cli, 'cl0', { extraArgs: ['-V', 'PXEClient:Arch:00000:UNDI:002001'] });
    leases.plain = await udhcpc(lab, cli, 'cl0');
    await rackd.stop();
    pcap = await capture.stop();
  });

  afterAll(async () => {
    await lab?.destroy();
  });

  it('arch 7 (UEFI x64) gets bootx64.efi in the file field and next-server in siaddr', () => {
    const env = leases.uefiAmd64;
    expect(env, 'no lease for arch 7').toBeDefined();
    expect(env?.ip).toBe('10.20.0.42');
    expect(env?.boot_file).toBe('bootx64.efi');
    expect(env?.siaddr).toBe(NEXT_SERVER);
    // Option 67, when also sent, must agree with the file field.
    if (env?.bootfile !== undefined) expect(env.bootfile).toBe('bootx64.efi');
  });

  it('arch 16 (UEFI x64 HTTP) gets the HTTP URL as boot file and vendor class "HTTPClient"', () => {
    const env = leases.uefiHttp;
    expect(env, 'no lease for arch 16').toBeDefined();
    expect(env?.ip).toBe('10.20.0.42');
    expect(env?.boot_file).toBe(HTTP_URL);
    expect(vendorClass(env)).toBe('HTTPClient');
  });

  it('a disabled architecture (uefi-arm64, arch 11) gets a lease but no boot file', () => {
    const env = leases.uefiArm64;
    expect(env, 'no lease for arch 11').toBeDefined();
    expect(env?.ip).toBe('10.20.0.42');
    expect(env?.boot_file).toBeUndefined();
    expect(env?.bootfile).toBeUndefined();
  });

  it('a BIOS PXE vendor class with no option 93 gets the bios file', () => {
    const env = leases.biosVendorClass;
    expect(env, 'no lease for the BIOS PXE client').toBeDefined();
    expect(env?.boot_file).toBe('lpxelinux.0');
    expect(env?.siaddr).toBe(NEXT_SERVER);
  });

  it('a client that is not booting gets a lease and no boot file', () => {
    const env = leases.plain;
    expect(env?.ip).toBe('10.20.0.42');
    expect(env?.boot_file).toBeUndefined();
    expect(vendorClass(env)).toBeUndefined();
  });

  it('rackd logs the replies and tshark decodes all of them cleanly', async () => {
    const replies = rackd.events('dhcp4.reply') as { mac?: string; ip?: string }[];
    expect(replies.filter((line) => line.mac === MAC && line.ip === '10.20.0.42').length).toBeGreaterThanOrEqual(10);
    await assertRepliesClean(pcap);
  });
});
