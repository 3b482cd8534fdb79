// The `discovery:` section of rackd.yaml: defaults, seconds → milliseconds, and problems that name the field.
import { describe, expect, it } from 'vitest';
import { parseDaemonConfig } from '../../../../agent/config/daemon-config.js';
import { DEFAULT_DISCOVERY_SETTINGS, settingsFromConfig } from '../../../../agent/discovery/options.js';
import { planScan } from '../../../../agent/discovery/scan-plan.js';

describe('discovery config', () => {
  it('is off unless enabled, and maps seconds onto the settings', () => {
    const parsed = parseDaemonConfig({
      discovery: { enabled: true, refresh_interval_s: 5, scan_subnets: ['10.0.0.0/24'], probe_interval_s: 0 },
    });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(settingsFromConfig(parsed.options.discovery ?? { enabled: false })).toEqual({
      ...DEFAULT_DISCOVERY_SETTINGS,
      refreshIntervalMs: 5000,
      scanSubnets: ['10.0.0.0/24'],
      probeIntervalMs: 0,
    });
    const off = parseDaemonConfig({});
    expect(off.ok && off.options.discovery).toBeUndefined();
  });

  it('names the field at fault', () => {
    const parsed = parseDaemonConfig({
      discovery: { enabled: true, scan_subnets: ['10.0.0.0/33'], scan_rate_pps: 0, colour: 'blue' },
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const paths = parsed.problems.map((p) => p.path).join(' ');
    expect(paths).toContain('discovery.scan_subnets[0]');
    expect(paths).toContain('discovery.scan_rate_pps');
    expect(paths).toContain('discovery');
  });
});

describe('planScan', () => {
  const eth0 = {
    name: 'eth0',
    index: 2,
    mac: '52:54:00:00:00:01',
    up: true,
    addresses: [{ family: 4 as const, address: '10.40.0.1', prefixLength: 23 }],
  };

  it('scans from the interface whose network holds the CIDR, without asking for our own address', () => {
    const { groups } = planScan({ cidrs: ['10.40.0.0/30', '10.40.1.0/30'] }, [eth0]);
    expect(groups.map((g) => [g.interface, g.senderIp, g.targets.length])).toEqual([
      ['eth0', '10.40.0.1', 1],
      ['eth0', '10.40.0.1', 2],
    ]);
  });

  it('scans a tagged served subnet with its tag and server address', () => {
    const { groups } = planScan(
      { cidrs: ['10.21.0.0/29'] },
      [eth0],
      [{ cidr: '10.21.0.0/29', vid: 21, senderIp: '10.21.0.1' }],
    );
    expect(groups[0]).toMatchObject({ vid: 21, senderIp: '10.21.0.1', interface: 'eth0' });
  });

  it('with force and no CIDR, scans every attached network', () => {
    expect(planScan({ force: true }, [eth0]).cidrs).toEqual(['10.40.0.0/23']);
    expect(() => planScan({}, [eth0])).toThrow(/force/);
    expect(() => planScan({ cidrs: ['192.168.0.0/24'] }, [eth0])).toThrow(/pass interface/);
  });
});
