import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  DEFAULT_OPTIONS,
  loadDaemonConfig,
  mergeCliFlags,
  parseDaemonConfig,
} from '../../../../agent/config/daemon-config.js';

const dir = mkdtempSync(join(tmpdir(), 'rackd-conf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('daemon config', () => {
  test('the shipped systemd/rackd.yaml is valid and states the defaults', async () => {
    const result = await loadDaemonConfig(new URL('../../../../systemd/rackd.yaml', import.meta.url).pathname);
    expect(result).toEqual({ ok: true, options: DEFAULT_OPTIONS });
  });

  test('an empty document gets every default', () => {
    expect(parseDaemonConfig({})).toEqual({ ok: true, options: DEFAULT_OPTIONS });
  });

  test('every setting is read', () => {
    const options = {
      ipam: '/srv/ipam.yaml',
      interfaces: ['eth1', 'eth2'],
      state_dir: '/srv/state',
      log_level: 'debug',
      log_format: 'pretty',
      redis: 'redis://10.0.0.5:6379/0',
      rack_id: 'rack-01',
      secret_file: '/etc/rackd/secret',
      prefix: 'rackd:',
    };
    expect(parseDaemonConfig(options)).toEqual({ ok: true, options });
  });

  test.each([
    [{ log_level: 'verbose' }, 'rackd.yaml: log_level', /one of fatal, error/],
    [{ log_format: 'xml' }, 'rackd.yaml: log_format', /json, pretty/],
    [{ interfaces: 'eth1' }, 'rackd.yaml: interfaces', /must be a list/],
    [{ interfaces: ['a-name-longer-than-15'] }, 'rackd.yaml: interfaces[0]', /at most 15 characters/],
    [{ redis: '10.0.0.5:6379' }, 'rackd.yaml: redis', /redis:\/\//],
    [{ interface: ['eth1'] }, 'rackd.yaml: interface', /did you mean "interfaces"/],
  ])('refuses %j', (doc, path, message) => {
    const result = parseDaemonConfig(doc);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.path).toBe(path);
    expect(result.problems[0]?.message).toMatch(message);
  });

  test('an explicit missing file is a problem; a YAML error carries its line', async () => {
    const missing = await loadDaemonConfig(join(dir, 'none.yaml'));
    expect(missing.ok).toBe(false);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'ipam: /x\ninterfaces: [eth1\n');
    const result = await loadDaemonConfig(bad);
    expect(result.ok ? [] : result.problems.map((p) => p.path)).toEqual([expect.stringMatching(/bad\.yaml:\d+:\d+$/)]);
  });

  test('CLI flags override the file; absent flags keep it', () => {
    const file = { ...DEFAULT_OPTIONS, interfaces: ['eth1'], log_level: 'warn' as const, rack_id: 'r1' };
    expect(
      mergeCliFlags(file, { interfaces: ['eth2', 'eth3'], log_level: 'debug', ipam: undefined, state_dir: '/tmp/s' }),
    ).toEqual({
      ...file,
      interfaces: ['eth2', 'eth3'],
      log_level: 'debug',
      state_dir: '/tmp/s',
    });
    expect(mergeCliFlags(file, { interfaces: [] })).toEqual(file);
  });

  test('a bad flag value names the flag', () => {
    expect(() => mergeCliFlags(DEFAULT_OPTIONS, { log_level: 'loud' })).toThrow(
      /^--log-level: log_level must be one of/,
    );
    expect(() => mergeCliFlags(DEFAULT_OPTIONS, { interfaces: ['bad name'] })).toThrow(/^--interface: /);
  });
});
