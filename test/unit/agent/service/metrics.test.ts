// Prometheus text exposition from the daemon's counters, served on a loopback port with /status beside it.

import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { MetricsServer, parseListen } from '../../../../agent/service/metrics-server.js';
import { RackdMetrics } from '../../../../agent/service/metrics.js';
import type { MetricsSource } from '../../../../agent/daemon/metrics-source.js';

const source: MetricsSource = {
  dhcp4: () => ({
    received: { DISCOVER: 7, REQUEST: 2 },
    sent: { OFFER: 1, ACK: 2 },
    dropped: { 'rate-limit-global': 40, 'unknown-client': 5 },
    decodeErrors: 3,
  }),
  ports: () => ({ rk0: { received: 9, dropped: 1, sent: 3, sendErrors: 0 } }),
  reservations: () => 12,
  subnets: () => 2,
  logLinesSuppressed: () => 4,
};

describe('RackdMetrics', () => {
  let server: MetricsServer | undefined;
  afterEach(() => server?.close());

  it('exposes DHCPv4 counters, drops by reason, gauges and event-loop lag', async () => {
    const text = await new RackdMetrics(source).metrics();
    expect(text).toContain('rackd_dhcp4_received_total{type="DISCOVER"} 7');
    expect(text).toContain('rackd_dhcp4_sent_total{type="ACK"} 2');
    expect(text).toContain('rackd_dhcp4_dropped_total{reason="rate-limit-global"} 40');
    expect(text).toContain('rackd_dhcp4_decode_errors_total 3');
    expect(text).toContain('rackd_dhcp4_unknown_clients_total 5');
    expect(text).toContain('rackd_dhcp4_reservations_served_total 2');
    expect(text).toContain('rackd_capture_dropped_total{interface="rk0"} 1');
    expect(text).toContain('rackd_interface_served{interface="rk0"} 1');
    expect(text).toContain('rackd_reservations 12');
    expect(text).toContain('rackd_log_lines_suppressed_total 4');
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  it('exposes region sync lag, event queue depth and discovery figures when those parts run', async () => {
    const withRegion: MetricsSource = {
      ...source,
      region: () => ({ state: 'live', revision: 40, regionRevision: 43, queuedEvents: 120, journaledEvents: 100 }),
      discovery: () => ({ neighbours: 17, conflicts: 2, foreignDhcp: 1 }),
    };
    const text = await new RackdMetrics(withRegion).metrics();
    expect(text).toContain('rackd_config_revision 40');
    expect(text).toContain('rackd_sync_lag_revisions 3');
    expect(text).toContain('rackd_event_queue_depth 120');
    expect(text).toContain('rackd_event_journal_depth 100');
    expect(text).toContain('rackd_region_state{state="live"} 1');
    expect(text).toContain('rackd_discovery_neighbours 17');
    expect(text).toContain('rackd_discovery_conflicts_total 2');
    expect(text).toContain('rackd_discovery_foreign_dhcp_total 1');
  });

  it('lets other parts register their own metrics on the exported registry', async () => {
    const metrics = new RackdMetrics(source);
    const { Gauge } = await import('prom-client');
    new Gauge({ name: 'rackd_region_sync_lag_seconds', help: 'test', registers: [metrics.registry] }).set(1.5);
    expect(await metrics.metrics()).toContain('rackd_region_sync_lag_seconds 1.5');
  });

  it('serves /metrics and /status over HTTP on loopback', async () => {
    server = new MetricsServer(
      new RackdMetrics(source),
      () => ({ status: 'running', interfaces: ['rk0'] }),
      pino({ level: 'silent' }),
    );
    const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await metrics.text()).toContain('rackd_subnets 2');
    expect(await (await fetch(`http://127.0.0.1:${port}/status`)).json()).toEqual({
      status: 'running',
      interfaces: ['rk0'],
    });
    expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
  });

  it('parses metrics_listen', () => {
    expect(parseListen('127.0.0.1:9467')).toEqual({ host: '127.0.0.1', port: 9467 });
    expect(parseListen('[::1]:9')).toEqual({ host: '::1', port: 9 });
    expect(parseListen('')).toBeUndefined();
    expect(() => parseListen('localhost')).toThrow(/HOST:PORT/);
  });
});
