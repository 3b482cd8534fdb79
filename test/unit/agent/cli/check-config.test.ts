import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { checkConfig } from '../../../../agent/cli/check-config.js';

const dir = mkdtempSync(join(tmpdir(), 'rackd-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Captures what the command prints (console is the CLI's output channel, not a peer being mocked).
let out: string[] = [];
beforeEach(() => {
  out = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
  vi.spyOn(console, 'error').mockImplementation((line: string) => void out.push(line));
});
afterEach(() => vi.restoreAllMocks());

describe('rackd check-config', () => {
  test('summarises a valid file and exits 0', async () => {
    const path = new URL('../../../../examples/ipam.yaml', import.meta.url).pathname;
    expect(await checkConfig(['--ipam', path])).toBe(0);
    const text = out.join('\n');
    expect(text).toContain(`${path}: OK`);
    expect(text).toMatch(/10\.20\.0\.0\/24\s+untagged\s+2 reservations\s+gateway dns_servers/);
    expect(text).toMatch(/10\.21\.0\.0\/24\s+vid 20\s+1 reservations\s+server_ip/);
    expect(text).toContain('Reservations: 3 (2 distinct MACs, 1 with client_id, 1 with options)');
  });

  test('prints every problem and exits 1', async () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(
      path,
      'subnets:\n  - cidr: 10.20.0.0/24\n    mtu: 1\nreservations:\n  - {mac: 52:54:00:12:34:56, ip: ' +
        '10.9.9.9}\n  - {mac: nope, ip: 10.20.0.5}\n',
    );
    expect(await checkConfig(['--ipam', path])).toBe(1);
    expect(out).toEqual([
      'subnets[0].mtu: mtu (RFC 791 minimum 68) must be a whole number from 68 to 65535, got 1',
      'reservations[1].mac: "nope" is not a MAC address — write six hex pairs like 52:54:00:12:34:56',
      `${path}: 2 problems — rackd would refuse this file`,
    ]);
  });

  test('the issue’s example message for an address in no subnet', async () => {
    const path = join(dir, 'nosubnet.yaml');
    writeFileSync(
      path,
      'subnets: [{cidr: 10.20.0.0/24}]\nreservations:\n' +
        '  - {mac: 52:54:00:00:00:01, ip: 10.20.0.5}\n'.repeat(1) +
        '  - {mac: 52:54:00:00:00:02, ip: 10.20.0.6}\n  - {mac: 52:54:00:00:00:03, ip: 10.20.0.7}\n  - {mac: ' +
        '52:54:00:12:34:56, ip: 10.9.9.9}\n',
    );
    expect(await checkConfig(['--ipam', path])).toBe(1);
    const expected = 'reservations[3].ip: 10.9.9.9 is in no subnet — add a subnet containing it or fix the address';
    expect(out[0]).toBe(expected);
  });

  test('a bad flag exits 2 with usage', async () => {
    expect(await checkConfig(['--bogus'])).toBe(2);
    expect(out.join('\n')).toContain('usage: rackd check-config');
  });
});
