// Network boot answers: RFC 4578 §2.1 option 93 architectures, PXE "PXEClient" (only with a PXE 2.1 boot-server
// option 43) and UEFI HTTP boot "HTTPClient" (option 60), boot file in the `file` field and option 67, next
// server in siaddr / option 66, and iPXE chainloading (user class "iPXE", option 175).

import { describe, expect, it } from 'vitest';
import { handleDhcp4 } from '../../../../agent/dhcp4/policy.js';
import { MessageType } from '../../../../protocol/dhcp4/message.js';
import type { Dhcp4Message } from '../../../../protocol/dhcp4/message.js';
import { getOption } from '../../../../protocol/dhcp4/options.js';
import { arrival, labConfig, labIpam, request } from './policy-fixtures.js';
import type { RequestSpec } from './policy-fixtures.js';
import { buildServingConfig } from '../../../../agent/dhcp4/serving-config.js';
import type { BootConfig, CustomOption, Subnet4Config } from '../../../../protocol/ipam/types.js';

const config = labConfig();
const arch = (n: number): [number, number[]] => [93, [n >> 8, n & 0xff]];
const PXE: [number, string] = [60, 'PXEClient:Arch:00007:UNDI:003016'];
const HTTP: [number, string] = [60, 'HTTPClient:Arch:00016:UNDI:003001'];
const WANTS_BOOT: [number, number[]] = [55, [1, 3, 60, 66, 67]];

function offer(spec: RequestSpec, cfg = config): Dhcp4Message {
  const decision = handleDhcp4(request({ type: MessageType.Discover, ...spec }), arrival(), cfg);
  if (decision.kind !== 'reply') throw new Error(`expected a reply, got ${JSON.stringify(decision)}`);
  return decision.reply;
}

interface Expected {
  file: string;
  siaddr: string;
  vendorClass?: string;
  bootFile?: string;
  tftpServer?: string;
}

describe('boot answers', () => {
  const cases: [string, RequestSpec, Expected][] = [
    [
      'PXE arch 7 → bootx64.efi from next_server',
      { options: [PXE, arch(7), WANTS_BOOT] },
      { file: 'bootx64.efi', siaddr: '10.20.0.5', bootFile: 'bootx64.efi', tftpServer: '10.20.0.5' },
    ],
    [
      'PXE without 93 → BIOS file',
      { options: [[60, 'PXEClient:Arch:00000:UNDI:002001'], WANTS_BOOT] },
      { file: 'pxelinux.0', siaddr: '10.20.0.5', bootFile: 'pxelinux.0', tftpServer: '10.20.0.5' },
    ],
    [
      '93 without vendor class → boot file, no option 60',
      { options: [arch(7), WANTS_BOOT] },
      { file: 'bootx64.efi', siaddr: '10.20.0.5', bootFile: 'bootx64.efi', tftpServer: '10.20.0.5' },
    ],
    [
      'arch 7 not requesting 66/67 → header fields only',
      { options: [PXE, arch(7), [55, [1, 3]]] },
      { file: 'bootx64.efi', siaddr: '10.20.0.5' },
    ],
    [
      'HTTP arch 16 → the URL and HTTPClient',
      { options: [HTTP, arch(16), WANTS_BOOT] },
      {
        file: 'http://10.20.0.5/boot/bootx64.efi',
        siaddr: '0.0.0.0',
        vendorClass: 'HTTPClient',
        bootFile: 'http://10.20.0.5/boot/bootx64.efi',
      },
    ],
    [
      'HTTP arch 19 with no vendor class → the URL and HTTPClient',
      { options: [arch(19)] },
      {
        file: 'http://10.20.0.5/boot/bootx64.efi',
        siaddr: '0.0.0.0',
        vendorClass: 'HTTPClient',
        bootFile: 'http://10.20.0.5/boot/bootx64.efi',
      },
    ],
    [
      'first of several architectures wins',
      { options: [PXE, [93, [0, 7, 0, 0]], WANTS_BOOT] },
      { file: 'bootx64.efi', siaddr: '10.20.0.5', bootFile: 'bootx64.efi', tftpServer: '10.20.0.5' },
    ],
    [
      'arch with no file → next server but no file',
      { options: [PXE, arch(11), WANTS_BOOT] },
      { file: '', siaddr: '10.20.0.5', tftpServer: '10.20.0.5' },
    ],
    ['disabled arch 6 → no boot info', { options: [PXE, arch(6), WANTS_BOOT] }, { file: '', siaddr: '0.0.0.0' }],
    [
      'no 93 and no PXEClient → no boot info',
      { options: [[60, 'MSFT 5.0'], WANTS_BOOT] },
      { file: '', siaddr: '0.0.0.0' },
    ],
  ];
  it.each(cases)('%s', (_name, spec, expected) => {
    const reply = offer(spec);
    expect(reply.file).toBe(expected.file);
    expect(reply.siaddr).toBe(expected.siaddr);
    expect(getOption(reply.options, 'vendor-class-identifier')).toBe(expected.vendorClass);
    expect(getOption(reply.options, 'boot-file-name')).toBe(expected.bootFile);
    expect(getOption(reply.options, 'tftp-server-name')).toBe(expected.tftpServer);
    expect(reply.yiaddr).toBe('10.20.0.101');
  });

  it('gives arch 16 its file over TFTP when no http_url is configured', () => {
    const ipam = labIpam();
    const subnet = ipam.subnets[1] as { boot: { http_url?: string } };
    delete subnet.boot.http_url;
    const reply = offer({ options: [HTTP, arch(16), WANTS_BOOT] }, buildServingConfig(ipam));
    expect(reply.file).toBe('unused.efi');
    expect(reply.siaddr).toBe('10.20.0.5');
    expect(getOption(reply.options, 'vendor-class-identifier')).toBeUndefined();
  });

  it('sends a URL longer than the 128-byte file field in option 67 only', () => {
    const ipam = labIpam();
    const url = `http://10.20.0.5/${'x'.repeat(150)}.efi`;
    (ipam.subnets[1] as { boot: { http_url?: string } }).boot.http_url = url;
    const reply = offer({ options: [HTTP, arch(16), WANTS_BOOT] }, buildServingConfig(ipam));
    expect(reply.file).toBe('');
    expect(getOption(reply.options, 'boot-file-name')).toBe(url);
  });

  it('sends a file name longer than the file field in option 67 even when 67 was not requested', () => {
    const ipam = labIpam();
    const name = `images/${'y'.repeat(140)}.efi`;
    (ipam.subnets[1] as { boot: { files: Record<string, string> } }).boot.files['uefi-amd64'] = name;
    const reply = offer({ options: [PXE, arch(7), [55, [1, 3]]] }, buildServingConfig(ipam));
    expect(reply.file).toBe('');
    expect(getOption(reply.options, 'boot-file-name')).toBe(name);
  });

  it('ignores a malformed option 93', () => {
    const decision = handleDhcp4(request({ type: MessageType.Discover, options: [PXE, [93, [0]]] }), arrival(), config);
    expect(decision).toMatchObject({ kind: 'ignore', reason: 'malformed-option' });
  });

  it('gives no boot info on a subnet without boot config', () => {
    const decision = handleDhcp4(
      request({ type: MessageType.Discover, options: [PXE, arch(7)] }),
      arrival({ vid: 20 }),
      config,
    );
    expect(decision.kind === 'reply' && decision.reply.file).toBe('');
    expect(decision.kind === 'reply' && decision.reply.options.has(60)).toBe(false);
  });
});

/** The lab subnet with a PXE 2.1 option 43 (and chainloading, when asked for) set by the operator. */
function withBoot(edit: (boot: BootConfig, options: CustomOption[]) => void) {
  const ipam = labIpam();
  const subnet = ipam.subnets[1] as Subnet4Config & { boot: BootConfig; options: CustomOption[] };
  edit(subnet.boot, subnet.options);
  return buildServingConfig(ipam);
}

describe('PXEClient in option 60 (EDK2 PxeBcDhcp4.c: PXEClient without a boot-server 43 is a BINL offer)', () => {
  it('is sent to a PXE client when the reply carries a boot-server option 43 (discovery control 0x08)', () => {
    const cfg = withBoot((_boot, options) => options.push({ code: 43, type: 'hex', value: '060108ff' }));
    const reply = offer({ options: [PXE, arch(7), WANTS_BOOT] }, cfg);
    expect(getOption(reply.options, 'vendor-class-identifier')).toBe('PXEClient');
    expect(reply.options.get(43)).toEqual(Buffer.from('060108ff', 'hex'));
    expect(reply.file).toBe('bootx64.efi');
  });

  it('is not sent when option 43 has no boot-server suboption, or is malformed', () => {
    for (const value of ['0104deadbeefff', '0605', '']) {
      const cfg = withBoot((_boot, options) => options.push({ code: 43, type: 'hex', value: value || '00' }));
      const reply = offer({ options: [PXE, arch(7), WANTS_BOOT] }, cfg);
      expect(getOption(reply.options, 'vendor-class-identifier'), value).toBeUndefined();
    }
  });

  it('is not sent to a client that did not say PXEClient, 43 or not', () => {
    const cfg = withBoot((_boot, options) => options.push({ code: 43, type: 'hex', value: '060108ff' }));
    const reply = offer({ options: [arch(7), WANTS_BOOT] }, cfg);
    expect(getOption(reply.options, 'vendor-class-identifier')).toBeUndefined();
  });
});

describe('iPXE chainloading', () => {
  const SCRIPT = 'http://10.20.0.5/boot.ipxe';
  const chain = withBoot((boot) => {
    boot.ipxe = { files: { 'uefi-amd64': 'snponly.efi', bios: 'undionly.kpxe' }, script: SCRIPT };
  });
  const IPXE_USER_CLASS: [number, string] = [77, 'iPXE'];

  it.each([
    ['firmware PXE arch 7 gets the iPXE binary for its architecture', [PXE, arch(7), WANTS_BOOT], 'snponly.efi'],
    ['firmware PXE arch 0 gets undionly.kpxe', [[60, 'PXEClient:Arch:00000:UNDI:002001'], WANTS_BOOT], 'undionly.kpxe'],
    ['an architecture with no iPXE binary gets its plain file', [PXE, arch(11), [55, [1, 3]]], ''],
    ['iPXE by user class "iPXE" gets the script', [PXE, arch(7), IPXE_USER_CLASS, WANTS_BOOT], SCRIPT],
    [
      'iPXE by RFC 3004 user class gets the script',
      [PXE, arch(7), [77, [4, ...Buffer.from('iPXE')]], WANTS_BOOT],
      SCRIPT,
    ],
    ['iPXE by option 175 gets the script', [PXE, arch(0), [175, [1, 1, 1]], WANTS_BOOT], SCRIPT],
    ['a user class that merely contains iPXE is not iPXE', [PXE, arch(7), [77, 'not-iPXE'], WANTS_BOOT], 'snponly.efi'],
  ] as [string, RequestSpec['options'], string][])('%s', (_name, options, file) => {
    const reply = offer({ options }, chain);
    expect(reply.file).toBe(file);
    expect(getOption(reply.options, 'vendor-class-identifier')).toBeUndefined();
  });

  it('UEFI HTTP boot still gets its URL', () => {
    const reply = offer({ options: [HTTP, arch(16), WANTS_BOOT] }, chain);
    expect(reply.file).toBe('http://10.20.0.5/boot/bootx64.efi');
  });

  it('without chainloading an iPXE client gets the plain file', () => {
    const reply = offer({ options: [PXE, arch(7), IPXE_USER_CLASS, WANTS_BOOT] });
    expect(reply.file).toBe('bootx64.efi');
  });

  it('a disabled architecture gets nothing, iPXE or not', () => {
    const reply = offer({ options: [PXE, arch(6), IPXE_USER_CLASS, WANTS_BOOT] }, chain);
    expect(reply.file).toBe('');
    expect(reply.siaddr).toBe('0.0.0.0');
  });
});
