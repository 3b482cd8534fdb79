import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadIpamFile } from '../../../../agent/config/ipam-file.js';

const dir = mkdtempSync(join(tmpdir(), 'rackd-ipam-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('loadIpamFile', () => {
  test('the shipped example is valid and normalised', async () => {
    const result = await loadIpamFile(new URL('../../../../examples/ipam.yaml', import.meta.url).pathname);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.ipam.subnets.map((s) => s.cidr)).toEqual(['10.20.0.0/24', '10.21.0.0/24']);
    expect(result.ipam.reservations[0]).toEqual({
      mac: '52:54:00:12:34:56',
      ip: '10.20.0.50',
      hostname: 'node-1',
      subnet: '10.20.0.0/24',
    });
    expect(result.ipam.reservations[2]?.subnet).toBe('10.21.0.0/24');
  });

  test('a YAML syntax error is a problem with line and column', async () => {
    const path = file('bad.yaml', 'subnets:\n  - cidr: 10.20.0.0/24\n    gateway: [10.20.0.1\nreservations: []\n');
    const result = await loadIpamFile(path);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]?.path).toMatch(new RegExp(`^${path}:\\d+:\\d+$`));
    expect(result.problems[0]?.message).toMatch(/YAML syntax error.*line \d+/);
  });

  test('a .json file is the same document, read with JSON.parse; its syntax errors are problems', async () => {
    const doc = {
      subnets: [{ cidr: '10.20.0.0/24', gateway: '10.20.0.1' }],
      reservations: [{ mac: '52-54-00-12-34-56', ip: '10.20.0.50' }],
    };
    const fromJson = await loadIpamFile(file('ipam.json', JSON.stringify(doc)));
    const fromYaml = await loadIpamFile(file('same.yaml', JSON.stringify(doc)));
    expect(fromJson).toEqual(fromYaml);
    expect(fromJson.ok && fromJson.ipam.reservations[0]?.mac).toBe('52:54:00:12:34:56');
    const bad = await loadIpamFile(file('bad.json', '{"subnets": [}'));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems[0]?.message).toMatch(/^JSON syntax error: .* — fix the file$/);
  });

  test('a duplicate key is a YAML error on its line', async () => {
    const path = file('dup.yaml', 'subnets: []\nreservations: []\nsubnets: []\n');
    const result = await loadIpamFile(path);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]?.path).toBe(`${path}:3:1`);
  });

  test('a missing file names the path', async () => {
    const result = await loadIpamFile(join(dir, 'nope.yaml'));
    expect(result).toEqual({
      ok: false,
      problems: [{ path: join(dir, 'nope.yaml'), message: expect.stringContaining('does not exist') }],
    });
  });

  test('an empty file says what the document needs', async () => {
    const result = await loadIpamFile(file('empty.yaml', ''));
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problems[0]).toEqual({ path: '(document)', message: expect.stringContaining('subnets:') });
  });

  test('an unquoted numeric client id is told to be quoted', async () => {
    const path = file(
      'cid.yaml',
      'subnets: [{cidr: 10.20.0.0/24}]\nreservations:\n  - {mac: 52:54:00:12:34:56, ip: 10.20.0.5, client_id: ' +
        '0152540012}\n',
    );
    const result = await loadIpamFile(path);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problems).toEqual([
        { path: 'reservations[0].client_id', message: expect.stringContaining('quoted') },
      ]);
  });
});
