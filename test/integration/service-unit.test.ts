// systemd/rackd.service as a hardened notify service (systemd.service(5), systemd.exec(5)): exposure from
// `systemd-analyze security --offline=yes` must stay at or below 2.5 ("OK"), and verify must pass.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { labPrerequisites } from './lab/prerequisites.js';
import { REPO_ROOT } from './lab/rackd.js';

const run = promisify(execFile);
const UNIT = join(REPO_ROOT, 'systemd/rackd.service');
const pre = labPrerequisites(['systemd-analyze']);

describe('systemd/rackd.service hardening', () => {
  let unit: string;
  beforeAll(() => {
    pre.assertReady();
    unit = readFileSync(UNIT, 'utf8');
  });

  it('scores an exposure of at most 2.5 in systemd-analyze security', async () => {
    const { stdout } = await run('systemd-analyze', ['security', '--offline=yes', UNIT], { timeout: 60_000 });
    const match = /Overall exposure level for rackd\.service: ([\d.]+)/.exec(stdout);
    expect(match, stdout).not.toBeNull();
    console.log(`systemd-analyze security: exposure ${match?.[1]}`);
    expect(Number(match?.[1])).toBeLessThanOrEqual(2.5);
  });

  it('is a notify service with a watchdog, restarted on failure, under its own user', () => {
    for (const line of [
      'Type=notify',
      'NotifyAccess=main',
      'Restart=on-failure',
      'DynamicUser=yes',
      'ProtectSystem=strict',
      'SystemCallFilter=@system-service',
    ]) {
      expect(unit).toMatch(new RegExp(`^${line}$`, 'm'));
    }
    expect(unit).toMatch(/^WatchdogSec=\d+s$/m);
    expect(unit).toMatch(/^RestrictAddressFamilies=AF_INET AF_INET6 AF_PACKET AF_NETLINK AF_UNIX$/m);
  });

  it('grants only the capabilities capture, injection and the DHCPv6 port need', () => {
    expect(unit).toMatch(/^AmbientCapabilities=CAP_NET_RAW CAP_NET_BIND_SERVICE$/m);
    expect(unit).toMatch(/^CapabilityBoundingSet=CAP_NET_RAW CAP_NET_BIND_SERVICE$/m);
  });

  it("stops within TimeoutStopSec: rackd's own stop deadline (12 s) is shorter", () => {
    const timeout = Number(/^TimeoutStopSec=(\d+)s$/m.exec(unit)?.[1]);
    expect(timeout).toBeGreaterThan(12);
  });
});
