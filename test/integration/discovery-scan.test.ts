// Active ARP scan (RFC 826) of a /23 holding a few hundred live addresses: `rackd scan` finds exactly
// the hosts `arp-scan` finds on the same lab, and sends at the rate it was given (measured on the wire by tcpdump).

import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCapture } from './lab/capture.js';
import { Lab } from './lab/lab.js';
import { labPrerequisites } from './lab/prerequisites.js';
import { RACKD_BIN } from './lab/rackd.js';
import { addAddresses, DISCOVERY_TOOLS } from './lab/discovery-lab.js';

const pre = labPrerequisites([...DISCOVERY_TOOLS, 'arp-scan']);
const SCANNER_MAC = '52:54:00:5c:00:01';
const CIDR = '10.40.0.0/23';
const RATE = 250;
/** 300 live addresses spread over both halves of the /23. */
const LIVE = Array.from({ length: 300 }, (_, i) => `10.40.${i % 2}.${10 + Math.floor(i / 2)}`);

interface Host {
  ip: string;
  mac: string;
}

describe('discovery: active ARP scan', () => {
  let lab: Lab | undefined;
  let scanner = '';

  beforeAll(async () => {
    pre.assertReady();
    lab = await Lab.create('rkxs');
    scanner = await lab.addNamespace('scan');
    const hosts = await lab.addNamespace('hosts');
    await lab.link(scanner, 's0', hosts, 'h0', { macA: SCANNER_MAC });
    await lab.addAddress(scanner, 's0', '10.40.0.1/23');
    await addAddresses(
      lab,
      hosts,
      'h0',
      LIVE.map((ip) => `${ip}/23`),
    );
  });

  afterAll(async () => {
    await lab?.destroy();
  });

  it('finds exactly what arp-scan finds, at the rate asked for', async () => {
    const l = lab as Lab;
    const capture = await startCapture(l, scanner, 's0', `arp and ether src ${SCANNER_MAC} and arp[6:2] = 1`);
    const ours = await l.exec(scanner, process.execPath, [RACKD_BIN, 'scan', '--json', '--rate', String(RATE), CIDR], {
      timeoutMs: 30_000,
    });
    const pcap = await capture.stop();
    expect(ours.code, ours.stderr).toBe(0);
    const lines = ours.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Host & { summary?: { scanned: number; found: number } });
    const summary = lines.at(-1)?.summary;
    const found = lines.filter((line) => line.summary === undefined);

    const theirs = await l.exec(scanner, 'arp-scan', ['-I', 's0', '-q', '-x', '--retry=2', CIDR], {
      timeoutMs: 60_000,
    });
    expect(theirs.code, theirs.stderr).toBe(0);
    const reference = theirs.stdout
      .trim()
      .split('\n')
      .map((line) => line.split('\t')[0] as string);

    expect(new Set(reference).size).toBe(LIVE.length);
    expect(found.map((h) => h.ip).sort()).toEqual([...new Set(reference)].sort());
    expect(summary).toMatchObject({ scanned: 509, found: LIVE.length });

    // Frames per second on the wire, from tcpdump's own timestamps.
    const times = execFileSync('tcpdump', ['-r', pcap, '-n', '-tt'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .trim()
      .split('\n')
      .map((line) => Number(line.split(' ')[0]));
    expect(times).toHaveLength(509);
    const measured = (times.length - 1) / ((times.at(-1) as number) - (times[0] as number));
    expect(measured).toBeGreaterThan(RATE * 0.9);
    expect(measured).toBeLessThan(RATE * 1.1);
    // No one-second window carries more than the rate allows (a burst would be a flood at a slower average).
    const perSecond = times.map((t, i) => times.slice(i).findIndex((u) => u >= t + 1)).filter((n) => n >= 0);
    expect(Math.max(...perSecond)).toBeLessThanOrEqual(Math.ceil(RATE * 1.1));
  });

  it('refuses a range larger than a /16 without --force, and --slow sends 9 per second', async () => {
    const l = lab as Lab;
    const big = await l.exec(scanner, process.execPath, [RACKD_BIN, 'scan', '10.0.0.0/15']);
    expect(big.code).toBe(2);
    expect(big.stderr).toContain('force');
    const slow = await l.exec(
      scanner,
      process.execPath,
      [RACKD_BIN, 'scan', '--slow', '--json', '--wait', '300', '10.40.0.8/29'],
      { timeoutMs: 30_000 },
    );
    const summary = (
      JSON.parse(slow.stdout.trim().split('\n').at(-1) as string) as {
        summary: { scanned: number; ratePps: number; durationMs: number };
      }
    ).summary;
    expect(summary.scanned).toBe(6);
    // Never above the rate; a late timer can only make it a little slower.
    expect(summary.ratePps).toBeLessThanOrEqual(9);
    expect(summary.ratePps).toBeGreaterThanOrEqual(8);
    expect(summary.durationMs).toBeGreaterThan(500);
  });
});
