// `make run` (scripts/demo-lab.sh) end to end: rackd on a host-side veth answers udhcpc in a namespace with
// the example reservation (RFC 2131 §4.3), prints the lease, and leaves no namespace or link behind.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labPrerequisites } from './lab/prerequisites.js';
import { REPO_ROOT } from './lab/rackd.js';

const pre = labPrerequisites(['ip', 'udhcpc', 'node', 'setpriv']);
const SCRIPT = join(REPO_ROOT, 'scripts/demo-lab.sh');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, timeout: timeoutMs, killSignal: 'SIGTERM' }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

async function labLeftovers(): Promise<string[]> {
  const left: string[] = [];
  if ((await run('ip', ['netns', 'list'])).stdout.split('\n').some((line) => line.startsWith('rkd-cli')))
    left.push('namespace rkd-cli');
  if ((await run('ip', ['link', 'show', 'rackd-lab0'])).code === 0) left.push('link rackd-lab0');
  return left;
}

describe('demo lab (make run)', () => {
  afterAll(async () => {
    // Only if the script itself failed to clean up: never leave the host link behind.
    await run('ip', ['netns', 'del', 'rkd-cli']);
    await run('ip', ['link', 'del', 'rackd-lab0']);
  });

  it('prints the example reservation lease and removes the lab', async () => {
    pre.assertReady();
    const result = await run('bash', [SCRIPT], { ...process.env, DEMO_EXIT_AFTER_LEASE: '1' });
    expect(result.code, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/^\s+ip\s+10\.20\.0\.50$/m);
    expect(result.stdout).toMatch(/^\s+subnet\s+255\.255\.255\.0$/m);
    expect(await labLeftovers()).toEqual([]);
  });

  it('refuses to run without root, naming the fix', async () => {
    pre.assertReady();
    const result = await run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'bash', SCRIPT]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/must run as root/);
    expect(await labLeftovers()).toEqual([]);
  });

  it('refuses when a tool is missing, naming it', async () => {
    pre.assertReady();
    const bin = mkdtempSync(join(tmpdir(), 'rkd-path-'));
    try {
      // Only what the script needs before its tool check; `ip` is deliberately absent.
      for (const tool of ['id', 'dirname']) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
      const result = await run('/bin/bash', [SCRIPT], { ...process.env, PATH: bin });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/required tool 'ip' not found/);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
    expect(await labLeftovers()).toEqual([]);
  });
});
