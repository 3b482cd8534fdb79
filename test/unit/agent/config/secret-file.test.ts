// The region secret on disk: a file group or others may read is refused with the chmod that fixes it, and the
// credential systemd passes (LoadCredential=, $CREDENTIALS_DIRECTORY) is read in place of the configured path.

import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { readSecretFile, secretFilePath } from '../../../../agent/config/secret-file.js';

const SECRET = '0123456789abcdef0123456789abcdef';
const RACKD = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../bin/rackd.js');
const missing = (path: string, code: string) => `no secret at ${path} (${code})`;

describe('the region secret file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rackd-secret-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file only its owner may read', () => {
    const path = join(dir, 'private.secret');
    writeFileSync(path, `${SECRET}\n`, { mode: 0o600 });
    expect(readSecretFile(path, missing).toString()).toBe(SECRET);
    chmodSync(path, 0o400);
    expect(readSecretFile(path, missing).toString()).toBe(SECRET);
  });

  it.each([0o644, 0o640, 0o604, 0o620, 0o660])('refuses mode %o and names the fix', (mode) => {
    const path = join(dir, `mode-${mode.toString(8)}.secret`);
    writeFileSync(path, `${SECRET}\n`);
    chmodSync(path, mode);
    expect(() => readSecretFile(path, missing)).toThrow(
      new RegExp(`${path} has mode 0${mode.toString(8)}: .*chmod 600 ${path}`),
    );
  });

  it('reads the credential systemd passed under the same file name, when there is one', () => {
    const credentials = join(dir, 'credentials');
    mkdirSync(credentials);
    writeFileSync(join(credentials, 'region.secret'), `${SECRET}\n`, { mode: 0o400 });
    expect(secretFilePath('/etc/rackd/region.secret', credentials)).toBe(join(credentials, 'region.secret'));
    expect(secretFilePath('/etc/rackd/other.secret', credentials)).toBe('/etc/rackd/other.secret');
    expect(secretFilePath('/etc/rackd/region.secret', undefined)).toBe('/etc/rackd/region.secret');
  });

  it('rackd run refuses to start in region mode with a world-readable secret, saying why', async () => {
    const path = join(dir, 'open.secret');
    writeFileSync(path, `${SECRET}\n`, { mode: 0o644 });
    chmodSync(path, 0o644);
    const args = [RACKD, 'run', '--interface', 'lo', '--redis', 'redis://127.0.0.1:1', '--rack-id', 'r1'];
    const run = promisify(execFile)(process.execPath, [...args, '--secret-file', path, '--state-dir', dir]);
    const failed = await run.then(
      () => undefined,
      (error: { code?: number; stdout?: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toMatch(/"event":"rackd.fatal".*has mode 0644/);
  });
});
