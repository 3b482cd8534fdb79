// `rackd status`: a human summary of the running daemon, read from its loopback endpoint (GET /status on
// `metrics_listen`). Exit 0 when it answers, 3 when no daemon is listening (the LSB status convention).

import { parseArgs } from 'node:util';
import { loadDaemonConfig } from '../config/daemon-config.js';
import { parseListen } from '../service/metrics-server.js';
import { DEFAULT_METRICS_LISTEN } from '../config/service-config.js';

const HELP = `usage: rackd status [--config FILE] [--url http://127.0.0.1:9467] [--json]

Asks the running daemon at metrics_listen (from the config file; default 127.0.0.1:9467).`;

type Report = Record<string, unknown> & {
  status?: string;
  interfaces?: string[];
  subnets?: number;
  reservations?: number;
  dhcp4?: {
    received: Record<string, number>;
    sent: Record<string, number>;
    dropped: Record<string, number>;
    decodeErrors: number;
  };
  pid?: number;
  uptimeSeconds?: number;
  sdNotify?: string;
};

async function daemonUrl(values: { config?: string | undefined; url?: string | undefined }): Promise<string> {
  if (values.url !== undefined) return values.url.replace(/\/+$/, '');
  const loaded = await loadDaemonConfig(values.config);
  if (!loaded.ok)
    throw new Error(`config file is invalid:\n  ${loaded.problems.map((p) => `${p.path}: ${p.message}`).join('\n  ')}`);
  const listen = parseListen(loaded.options.metrics_listen ?? DEFAULT_METRICS_LISTEN);
  if (listen === undefined)
    throw new Error('metrics_listen is "" in the config file: `rackd status` needs it set (e.g. 127.0.0.1:9467)');
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  return `http://${host}:${listen.port}`;
}

function counts(record: Record<string, number> | undefined): string {
  const entries = Object.entries(record ?? {});
  return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k} ${v}`).join(', ');
}

export function formatStatus(report: Report): string {
  const d = report.dhcp4;
  return [
    `rackd ${report.status ?? 'unknown'} (pid ${report.pid ?? '?'}, up ${report.uptimeSeconds ?? '?'} s, ` +
      `systemd notify: ${report.sdNotify ?? '?'})`,
    `interfaces:   ${(report.interfaces ?? []).join(', ') || 'none served'}`,
    `config:       ${report.subnets ?? 0} subnets, ${report.reservations ?? 0} reservations`,
    `received:     ${counts(d?.received)}`,
    `sent:         ${counts(d?.sent)}`,
    `dropped:      ${counts(d?.dropped)}`,
    `decode errors: ${d?.decodeErrors ?? 0}`,
  ].join('\n');
}

export async function status(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string' },
        url: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`rackd status: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  let url: string;
  try {
    url = await daemonUrl(values);
  } catch (error) {
    console.error(`rackd status: ${(error as Error).message}`);
    return 2;
  }
  let report: Report;
  try {
    const response = await fetch(`${url}/status`, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    report = (await response.json()) as Report;
  } catch (error) {
    console.error(
      `rackd status: no daemon answering at ${url} (${(error as Error).message}): is rackd running? ` +
        `(systemctl status rackd)`,
    );
    return 3;
  }
  console.log(values.json ? JSON.stringify(report, null, 2) : formatStatus(report));
  return 0;
}
