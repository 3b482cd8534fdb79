// Network boot answers: RFC 4578 §2.1 option 93 architectures, PXE "PXEClient" and UEFI HTTP boot
// "HTTPClient" (option 60), boot file in the `file` field and option 67, next server in siaddr / option 66.

import { describe, expect, it } from 'vitest';
import { handleDhcp4 } from '../../../agent/dhcp4/policy.js';
import { MessageType } from '../../../protocol/dhcp4/message.js';
import type { Dhcp4Message } from '../../../protocol/dhcp4/message.js';
import { getOption } from '../../../protocol/dhcp4/options.js';
import { arrival, labConfig, labIpam, request } from './policy-fixtures.js';
import type { RequestSpec } from './policy-fixtures.js';
import { buildServingConfig } from '../../../agent/dhcp4/serving-config.js';

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
    ['PXE arch 7 → bootx64.efi from next_server', { options: [PXE, arch(7), WANTS_BOOT] },
      { file: 'bootx64.efi', siaddr: '10.20.0.5', vendorClass: 'PXEClient', bootFile: 'bootx64.efi', tftpServer: '10.20.0.5' }],
    ['PXE without 93 → BIOS file', { options: [[60, 'PXEClient:Arch:00000:UNDI:002001'], WANTS_BOOT] },
      { file: 'pxelinux.0', siaddr: '10.20.0.5', vendorClass: 'PXEClient', bootFile: 'pxelinux.0', tftpServer: '10.20.0.5' }],
    ['93 without vendor class → boot file, no option 60', { options: [arch(7), WANTS_BOOT] },
      { file: 'bootx64.efi', siaddr: '10.20.0.5', bootFile: 'bootx64.efi', tftpServer: '10.20.0.5' }],
    ['arch 7 not requesting 66/67 → header fields only', { options: [PXE, arch(7), [55, [1, 3]]] },
      { file: 'bootx64.efi', siaddr: '10.20.0.5', vendorClass: 'PXEClient' }],
    ['HTTP arch 16 → the URL and HTTPClient', { options: [HTTP, arch(16), WANTS_BOOT] },
      { file: 'http://10.20.0.5/boot/bootx64.efi', siaddr: '0.0.0.0', vendorClass: 'HTTPClient', bootFile: 'http://10.20.0.5/boot/bootx64.efi' }],
    ['HTTP arch 19 with no vendor class → the URL and HTTPClient', { options: [arch(19)] },
      { file: 'http://10.20.0.5/boot/bootx64.efi', siaddr: '0.0.0.0', vendorClass: 'HTTPClient', bootFile: 'http://10.20.0.5/boot/bootx64.efi' }],
    ['first of several architectures wins', { options: [PXE, [93, [0, 7, 0, 0]], WANTS_BOOT] },
      { file: 'bootx64.efi', siaddr: '10.20.0.5', vendorClass: 'PXEClient', bootFile: 'bootx64.efi', tftpServer: '10.20.0.5' }],
    ['arch with no file → next server but no file', { options: [PXE, arch(11), WANTS_BOOT] },
      { file: '', siaddr: '10.20.0.5', vendorClass: 'PXEClient', tftpServer: '10.20.0.5' }],
    ['disabled arch 6 → no boot info', { options: [PXE, arch(6), WANTS_BOOT] }, { file: '', siaddr: '0.0.0.0' }],
    ['no 93 and no PXEClient → no boot info', { options: [[60, 'MSFT 5.0'], WANTS_BOOT] }, { file: '', siaddr: '0.0.0.0' }],
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

  it('ignores a malformed option 93', () => {
    const decision = handleDhcp4(request({ type: MessageType.Discover, options: [PXE, [93, [0]]] }), arrival(), config);
    expect(decision).toMatchObject({ kind: 'ignore', reason: 'malformed-option' });
  });

  it('gives no boot info on a subnet without boot config', () => {
    const decision = handleDhcp4(request({ type: MessageType.Discover, options: [PXE, arch(7)] }), arrival({ vid: 20 }), config);
    expect(decision.kind === 'reply' && decision.reply.file).toBe('');
    expect(decision.kind === 'reply' && decision.reply.options.has(60)).toBe(false);
  });
});
