// A unix-socket relay to a TCP port on host loopback: rackd inside a lab namespace cannot reach the host's
// 127.0.0.1, but it can open a unix socket in the file system, so Redis traffic never leaves loopback.

import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';

export function unixRelay(path: string, port: number): Promise<{ server: Server; close(): void }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port });
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  return new Promise((resolve) =>
    server.listen(path, () =>
      resolve({
        server,
        close: () => {
          server.close();
          for (const s of sockets) s.destroy();
        },
      }),
    ),
  );
}
