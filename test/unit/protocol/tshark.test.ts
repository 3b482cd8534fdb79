// tshark as an independent decoder: frames from encodeUdpFrame/encodeDhcp4 must dissect with no malformed
// packet or warning-level expert info. Skipped checks would hide regressions, so tshark must be installed.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeDhcp4 } from '../../../protocol/dhcp4/codec.js';
import { encodeUdpFrame } from '../../../protocol/net/udp-frame.js';
import { richAck } from '../../helpers/dhcp4-samples.js';
import { writePcapFile } from '../../helpers/pcap-file.js';

function tshark(args: string[]): string {
  return execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function frames(): Buffer[] {
  const ack = richAck();
  const long = richAck();
  long.options.set(43, Buffer.alloc(600, 1));
  const overloaded = richAck();
  overloaded.file = '';
  // Codes tshark knows as unassigned: it flags junk in defined ones such as 212 (6RD) or 242 (Avaya).
  for (let code = 200; code < 208; code++) overloaded.options.set(code, Buffer.alloc(40, code));
  const payloads = [encodeDhcp4(ack), encodeDhcp4(long), encodeDhcp4(overloaded, { maxLength: 576 })];
  const base = {
    srcMac: '02:00:00:77:00:01',
    dstMac: '02:00:00:77:00:02',
    srcIp: '10.77.0.1',
    dstIp: '10.77.0.100',
    srcPort: 67,
    dstPort: 68,
  };
  return payloads.flatMap((payload) => [
    encodeUdpFrame({ ...base, payload }),
    encodeUdpFrame({ ...base, vid: 100, payload }),
  ]);
}

describe('tshark dissects what we encode', () => {
  it('with no malformed packets or expert warnings, and sees the fields we wrote', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rackd-tshark-'));
    try {
      const file = join(dir, 'encoded.pcap');
      writePcapFile(file, frames());
      expect(tshark(['-r', file, '-Y', '_ws.malformed || _ws.expert.severity >= 6291456'])).toBe('');
      const fields = tshark([
        '-r',
        file,
        '-T',
        'fields',
        '-E',
        'separator=|',
        '-e',
        'vlan.id',
        '-e',
        'dhcp.option.dhcp',
        '-e',
        'dhcp.option.dhcp_dns_domain_search_list_fqdn',
        '-e',
        'dhcp.option.option_overload',
        '-e',
        'udp.checksum.status',
        '-o',
        'udp.check_checksum:TRUE',
        '-e',
        'ip.checksum.status',
        '-o',
        'ip.check_checksum:TRUE',
      ]);
      const rows = fields
        .trim()
        .split('\n')
        .map((line) => line.split('|'));
      expect(rows).toHaveLength(6);
      expect(rows.map((r) => r[0])).toEqual(['', '100', '', '100', '', '100']);
      for (const row of rows) {
        expect(row[1]).toBe('5');
        expect(row[2]).toBe('lab.example,example.org,eng.lab.example');
        expect(row[4]).toBe('1'); // checksum status 1 = Good (0 = Bad, 2 = Unverified)
        expect(row[5]).toBe('1');
      }
      expect(rows[4]?.[3]).toBe('3');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
