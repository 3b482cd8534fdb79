// The part of the `unix-dgram` addon's API that rackd uses (it ships no types): AF_UNIX SOCK_DGRAM
// sockets, for sd_notify (systemd.service(5) NOTIFY_SOCKET) and for tests that stand in for systemd.

import type { EventEmitter } from 'node:events';

export interface UnixDgramSocket extends EventEmitter {
  bind(path: string): void;
  send(buf: Buffer, offset: number, length: number, path: string, callback?: (error?: Error | null) => void): void;
  close(): void;
}

export interface UnixDgramModule {
  createSocket(type: 'unix_dgram', listener?: (message: Buffer) => void): UnixDgramSocket;
}
