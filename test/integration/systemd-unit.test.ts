// systemd/rackd.service is a valid unit (systemd.unit(5), systemd.service(5), systemd.exec(5)): checked with
// `systemd-analyze verify` as shipped and as a copy whose ExecStart runs this checkout's bin/rackd.js.

import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RACKD_BIN, REPO_ROOT } from './lab/rackd.js';

const execFileAsync = promisify(execFile);
const UNIT = join(REPO_ROOT, 'systemd/rackd.service');

function hasSystemdAnalyze(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v systemd-analyze'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const missing = hasSystemdAnalyze() ? [] : ['systemd-analyze not found: apt-get install systemd'];

interface Verdict {
  code: number;
  /** Diagnostics that name our unit; other units pulled in (multi-user.target…) are not ours to judge. */
  about: string[];
  output: string;
}

async function verify(unitPath: string): Promise<Verdict> {
  let code = 0;
  let output: string;
  try {
    const { stdout, stderr } = await execFileAsync('systemd-analyze', ['verify', unitPath], { timeout: 30_000 });
    output = stdout + stderr;
  } catch (err) {
    const failure = err as { code?: number; stdout?: string; stderr?: string };
    code = typeof failure.code === 'number' ? failure.code : -1;
    output = (failure.stdout ?? '') + (failure.stderr ?? '');
  }
  const about = output.split('\n').filter((line) => line.includes('rackd'));
  return { code, about, output };
}

/** The ExecStart= line, split into argv (the unit uses no quoting, so whitespace splitting is exact). */
function execStart(unitText: string): string[] {
  const line = unitText.split('\n').find((l) => l.startsWith('ExecStart='));
  if (!line) throw new Error('systemd/rackd.service has no ExecStart=');
  return line.slice('ExecStart='.length).trim().split(/\s+/);
}

describe('systemd/rackd.service', () => {
  let dir: string;
  let unitText: string;

  beforeAll(() => {
    if (missing.length > 0) throw new Error(missing.join('; '));
    unitText = readFileSync(UNIT, 'utf8');
    dir = mkdtempSync(join(tmpdir(), 'rkv-unit-'));
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('passes systemd-analyze verify as shipped, with no diagnostics about the unit', async () => {
    const verdict = await verify(UNIT);
    expect(verdict.about, verdict.output).toEqual([]);
    expect(verdict.code, verdict.output).toBe(0);
  });

  // As shipped, ExecStart names /opt/rackd/bin/rackd.js, which verify never opens (it only checks that
  // /usr/bin/node is executable). The copy points at files that exist here, so the check covers them too.
  it("passes verify with ExecStart pointing at this checkout's bin/rackd.js via this node", async () => {
    const [, script, ...args] = execStart(unitText);
    expect(script).toMatch(/\/bin\/rackd\.js$/);
    const local = unitText.replace(/^ExecStart=.*$/m, `ExecStart=${process.execPath} ${RACKD_BIN} ${args.join(' ')}`);
    const copy = join(dir, 'rackd.service');
    writeFileSync(copy, local);
    const verdict = await verify(copy);
    expect(verdict.about, verdict.output).toEqual([]);
    expect(verdict.code, verdict.output).toBe(0);
  });

  it("ExecStart's command line is one the rackd CLI accepts", async () => {
    const [, , ...args] = execStart(unitText);
    // --help is parsed after every other flag, so an unknown flag or subcommand still fails here.
    const { stdout } = await execFileAsync(process.execPath, [RACKD_BIN, ...args, '--help'], { timeout: 30_000 });
    expect(stdout).toMatch(/usage: rackd run/);
  });

  it('ExecReload sends SIGHUP, which rackd treats as "reload the IPAM file"', () => {
    expect(unitText).toMatch(/^ExecReload=\S*kill (-HUP|-s HUP|--signal=HUP) \$MAINPID$/m);
  });
});
