// Flood protection (RFC 2131 §4.1: a server may drop what it cannot serve): perfdhcp, acting as a relay, sends
// random-MAC DISCOVERs as fast as it can while dhclient with a reserved MAC gets its lease within 10 s; the
// drops show in the metrics, the unknown-client log stays bounded, and SIGTERM under load exits 0.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dhclient } from './lab/clients.js';
import type { ClientEnv } from './lab/clients.js';
import { labPrerequisites } from './lab/prerequisites.js';
import { RACKD_BIN, startRackd } from './lab/rackd.js';
import type { RackdHandle } from './lab/rackd.js';
import { CLIENT_IF, SERVER_IF, createDirectLab } from './lab/topology.js';
import type { DirectLab } from './lab/topology.js';

const RESERVED_MAC = '52:54:00:f1:00:05';
const IPAM = `
subnets:
  - cidr: 10.20.0.0/24
    gateway: 10.20.0.1
reservations:
  - mac: "${RESERVED_MAC}"
    ip: 10.20.0.5
`;

const pre = labPrerequisites(['ip', 'node', 'dhclient', 'perfdhcp']);

function metricValue(text: string, line: RegExp): number {
  const match = text.split('\n').find((l) => line.test(l));
  return match === undefined ? 0 : Number(match.split(' ').pop());
}

describe('DHCPv4 under a random-MAC DISCOVER flood', () => {
  let direct: DirectLab;
  let rackd: RackdHandle;
  let lease: ClientEnv | undefined;
  let leaseMs = 0;
  let metrics = '';
  let perfOutput = '';
  let exitCode: number | null = null;

  beforeAll(async () => {
    pre.assertReady();
    direct = await createDirectLab('rks-fl', RESERVED_MAC);
    const { lab, srv, cli } = direct;
    // perfdhcp relays from this address (giaddr), so the flood selects the served subnet like a real one.
    await lab.addAddress(cli, CLIENT_IF, '10.20.0.200/24');
    rackd = await startRackd(lab, srv, { ipamYaml: IPAM, interfaces: [SERVER_IF], extraArgs: ['--log-level', 'info'] });
    const perf = lab.spawn(cli, 'perfdhcp', [
      '-4',
      '-l',
      CLIENT_IF,
      '-r',
      '50000',
      '-R',
      '1000000',
      '-p',
      '14',
      '10.20.0.1',
    ]);
    perf.stdout?.setEncoding('utf8').on('data', (chunk: string) => (perfOutput += chunk));
    await new Promise((r) => setTimeout(r, 2_000));
    const started = Date.now();
    lease = await dhclient(lab, cli, CLIENT_IF, { timeoutMs: 10_000 });
    leaseMs = Date.now() - started;
    const scraped = await lab.exec(srv, 'node', [
      '-e',
      'fetch("http://127.0.0.1:9467/metrics").then(r=>r.text()).then(t=>process.stdout.write(t))',
    ]);
    metrics = scraped.stdout;
    // Still under load: SIGTERM must end it cleanly.
    exitCode = await rackd.stop();
    perf.kill('SIGINT');
  }, 90_000);

  afterAll(async () => {
    await direct?.lab.destroy();
  });

  it('gives the reserved client its lease within 10 s while the flood runs', () => {
    expect(lease?.new_ip_address, `no lease; perfdhcp:\n${perfOutput.slice(0, 800)}\n${RACKD_BIN}`).toBe('10.20.0.5');
    expect(leaseMs).toBeLessThan(10_000);
  });

  it('counts the flood: DISCOVERs received and dropped by the global rate limit', () => {
    const discovers = metricValue(metrics, /^rackd_dhcp4_received_total\{type="DISCOVER"\}/);
    const globalDrops = metricValue(metrics, /^rackd_dhcp4_dropped_total\{reason="rate-limit-global"\}/);
    expect(discovers, metrics).toBeGreaterThan(5_000);
    expect(globalDrops, metrics).toBeGreaterThan(1_000);
    console.log(
      `flood: ${discovers} DISCOVERs received, ${globalDrops} dropped by rate-limit-global, lease in ${leaseMs} ms`,
    );
    expect(metricValue(metrics, /^rackd_dhcp4_sent_total\{type="ACK"\}/)).toBeGreaterThanOrEqual(1);
  });

  it('keeps the unknown-client log bounded', () => {
    const unknown = rackd.events('dhcp4.unknown-client').length;
    const received = metricValue(metrics, /^rackd_dhcp4_received_total\{type="DISCOVER"\}/);
    expect(unknown).toBeLessThan(200);
    expect(unknown).toBeLessThan(received / 20);
  });

  it('stops under load with exit 0', () => {
    expect(exitCode).toBe(0);
  });
});
