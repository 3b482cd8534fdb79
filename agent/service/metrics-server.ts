// The loopback HTTP endpoint: GET /metrics (Prometheus text format) and GET /status (the daemon's status as
// JSON, read by `rackd status`). RFC 9110 semantics only as far as GET/HEAD and 404/405 go.

import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { RackdMetrics } from './metrics.js';

export interface ListenAddress {
  host: string;
  port: number;
}

/** "127.0.0.1:9467", "[::1]:9467" or "" (off). Throws a message naming the fix. */
export function parseListen(text: string): ListenAddress | undefined {
  if (text === '') return undefined;
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port < 0 || port > 65535) {
    throw new Error(
      `metrics_listen "${text}" is not HOST:PORT — use 127.0.0.1:9467, [::1]:9467, or "" to turn metrics off`,
    );
  }
  return { host: match[1] ?? match[2] ?? '127.0.0.1', port };
}

export class MetricsServer {
  private readonly server: Server;
  private closed = false;

  constructor(
    private readonly metrics: RackdMetrics,
    private readonly status: () => unknown,
    private readonly log: Logger,
  ) {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  /** Resolves with the bound address (port 0 picks a free one, for tests). */
  listen(address: ListenAddress): Promise<ListenAddress> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(address.port, address.host, () => {
        this.server.off('error', reject);
        const bound = this.server.address() as AddressInfo;
        this.log.info(
          { event: 'metrics.listening', host: bound.address, port: bound.port },
          `metrics on http://${address.host}:${bound.port}/metrics`,
        );
        resolve({ host: address.host, port: bound.port });
      });
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.server.close();
    this.server.closeAllConnections();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/metrics') {
        const body = await this.metrics.metrics();
        res.writeHead(200, { 'content-type': this.metrics.contentType }).end(body);
      } else if (path === '/status') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.status()));
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('try /metrics or /status\n');
      }
    } catch (error) {
      this.log.error({ event: 'metrics.error', err: error }, 'metrics request failed');
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  }
}
