// `make install` / `make uninstall` into a throw-away DESTDIR: the production tree installs with its native
// modules built, the installed CLI runs, the unit verifies, and uninstall leaves the operator's config alone.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './lab/rackd.js';
import { labPrerequisites } from './lab/prerequisites.js';

const run = promisify(execFile);
const pre = labPrerequisites(['make', 'npm', 'systemd-analyze']);

describe('make install / make uninstall (DESTDIR)', () => {
  let dest: string;

  beforeAll(async () => {
    pre.assertReady();
    dest = mkdtempSync(join(tmpdir(), 'rks-install-'));
    await run('make', ['-C', REPO_ROOT, 'install', `DESTDIR=${dest}`], {
      timeout: 240_000,
      maxBuffer: 16 * 1024 * 1024,
    });
  }, 300_000);

  afterAll(() => {
    if (dest) rmSync(dest, { recursive: true, force: true });
  });

  it('installs a tree whose CLI runs with production dependencies only', async () => {
    const prefix = join(dest, 'opt/rackd');
    expect(existsSync(join(prefix, 'node_modules/pcap'))).toBe(true);
    expect(existsSync(join(prefix, 'node_modules/vitest'))).toBe(false);
    const { stdout } = await run(join(prefix, 'bin/rackd.js'), [
      'check-config',
      '--ipam',
      join(dest, 'etc/rackd/ipam.yaml'),
    ]);
    expect(stdout).toMatch(/ipam\.yaml: OK/);
    // The native modules load from the installed tree, not from the checkout.
    await run(process.execPath, ['-e', `require(${JSON.stringify(join(prefix, 'node_modules/pcap'))})`]);
    // The batching UDP addon too, found where the installed daemon looks for it (dist/agent/net → native/).
    const found = await run(process.execPath, [
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(join(prefix, 'dist/agent/net/udp4-batch-socket.js'))}); const ` +
        `r = m.udpBatchAddon(); process.stdout.write(r.addon ? 'loaded ' + r.addon.BATCH : 'missing ' + r.error)`,
    ]);
    expect(found.stdout).toBe('loaded 64');
  });

  it('installs a unit that verifies and example configs', async () => {
    const unit = join(dest, 'etc/systemd/system/rackd.service');
    expect(readFileSync(unit, 'utf8')).toContain(
      'ExecStart=/usr/bin/node /opt/rackd/bin/rackd.js run --config /etc/rackd/rackd.yaml',
    );
    await run('systemd-analyze', ['verify', unit]);
    expect(existsSync(join(dest, 'etc/rackd/rackd.yaml'))).toBe(true);
  });

  it('uninstalls the unit and the tree, and keeps /etc/rackd', async () => {
    await run('make', ['-C', REPO_ROOT, 'uninstall', `DESTDIR=${dest}`], { timeout: 60_000 });
    expect(existsSync(join(dest, 'opt/rackd'))).toBe(false);
    expect(existsSync(join(dest, 'etc/systemd/system/rackd.service'))).toBe(false);
    expect(existsSync(join(dest, 'etc/rackd/ipam.yaml'))).toBe(true);
  });
});
