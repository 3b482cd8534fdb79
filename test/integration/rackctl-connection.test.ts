// Where rackctl connects: flags over environment over defaults, secrets read as the racks read them, passwords
// never printed, and an unreachable Redis reported at once instead of retried forever.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REDIS_URL,
  SettingsError,
  UnreachableError,
  connectRedis,
  loadSecret,
  redactUrl,
  resolveSettings,
} from '../../agent/cli/rackctl/connection.js';
import { freeLoopbackPort } from '../helpers/redis-server.js';

describe('resolveSettings', () => {
  it('uses defaults, then the environment, then flags', () => {
    expect(resolveSettings({}, {})).toEqual({
      redisUrl: DEFAULT_REDIS_URL,
      prefix: 'rackd',
      secretFile: '/etc/rackd/region.secret',
      timeoutMs: 5000,
    });
    const env = { RACKD_REDIS: 'redis://env:1', RACKD_PREFIX: 'envp', RACKD_SECRET_FILE: '/env/secret' };
    expect(resolveSettings({}, env)).toMatchObject({
      redisUrl: 'redis://env:1',
      prefix: 'envp',
      secretFile: '/env/secret',
    });
    const flags = { redis: 'rediss://u:p@flag:2', prefix: 'flagp', 'secret-file': '/flag/secret', timeout: '250' };
    expect(resolveSettings(flags, env)).toEqual({
      redisUrl: 'rediss://u:p@flag:2',
      prefix: 'flagp',
      secretFile: '/flag/secret',
      timeoutMs: 250,
    });
  });

  it('refuses what would fail later, naming the flag', () => {
    expect(() => resolveSettings({ redis: 'localhost:6379' }, {})).toThrow(
      /--redis 'localhost:6379' is not a Redis URL/,
    );
    expect(() => resolveSettings({ prefix: '{x}' }, {})).toThrow(SettingsError);
    expect(() => resolveSettings({ timeout: '0' }, {})).toThrow(/--timeout must be a whole number ≥ 1/);
  });
});

describe('loadSecret', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rackctl-secret-'));

  it('strips one trailing newline, as the racks do', () => {
    const path = join(dir, 'ok');
    writeFileSync(path, '0123456789abcdef0123456789abcdef\n', { mode: 0o600 });
    expect(loadSecret(path).toString()).toBe('0123456789abcdef0123456789abcdef');
  });

  it('names the flag for a missing or short file', () => {
    expect(() => loadSecret(join(dir, 'absent'))).toThrow(/does not exist: pass --secret-file FILE/);
    const short = join(dir, 'short');
    writeFileSync(short, 'tooshort\n', { mode: 0o600 });
    expect(() => loadSecret(short)).toThrow(/secret file .*short: region secret is 8 bytes, need at least 16/);
  });

  it('refuses a secret that group or others may read', () => {
    const open = join(dir, 'open');
    writeFileSync(open, '0123456789abcdef0123456789abcdef\n', { mode: 0o644 });
    expect(() => loadSecret(open)).toThrow(/has mode 0644: .*chmod 600/);
  });
});

describe('redactUrl', () => {
  it('hides passwords but keeps the user and host', () => {
    expect(redactUrl('redis://admin:hunter2@10.0.0.5:6379/0')).toBe('redis://admin:***@10.0.0.5:6379/0');
    expect(redactUrl('rediss://tokenonly@h:1')).toBe('rediss://***@h:1');
    expect(redactUrl('redis://h:1')).toBe('redis://h:1');
  });
});

describe('connectRedis', () => {
  it('fails once, promptly, when nothing listens', async () => {
    const port = await freeLoopbackPort();
    const started = Date.now();
    const attempt = connectRedis({
      redisUrl: `redis://127.0.0.1:${port}`,
      prefix: 'rackd',
      secretFile: '',
      timeoutMs: 1000,
    });
    await expect(attempt).rejects.toThrow(UnreachableError);
    await expect(attempt).rejects.toThrow(
      new RegExp(`cannot reach Redis at redis://127.0.0.1:${port} .*check --redis`),
    );
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
