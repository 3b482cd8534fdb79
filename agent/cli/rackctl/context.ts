// What a rackctl command runs with: where to print, the connection settings, and a lazily connected
// RegionClient (so a command that fails validation never touches Redis). Exit codes are named once, here.

import type { Redis } from 'ioredis';
import { RegionClient } from '../../../protocol/region/region-client.js';
import { connectRedis, loadSecret } from './connection.js';
import type { ConnectionSettings } from './connection.js';
import type { ParsedCommand } from './args.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3 } as const;

export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
}

export interface CommandContext {
  io: CommandIo;
  settings: ConnectionSettings;
  /** Connects on first call; the same client afterwards. */
  client(options?: { reconnect?: boolean }): Promise<RegionClient>;
  /** Aborted on SIGINT/SIGTERM, so long-running commands (events tail) end cleanly. */
  signal: AbortSignal;
}

export type CommandHandler = (ctx: CommandContext, parsed: ParsedCommand) => Promise<number>;

/** A context whose close() disconnects what client() opened; the secret is read at the first connect. */
export function createContext(
  io: CommandIo,
  settings: ConnectionSettings,
  signal: AbortSignal,
): CommandContext & { close(): void } {
  let redis: Redis | undefined;
  let client: RegionClient | undefined;
  return {
    io,
    settings,
    signal,
    async client(options = {}) {
      if (client !== undefined) return client;
      const secret = loadSecret(settings.secretFile);
      redis = await connectRedis(settings, options);
      client = new RegionClient(redis, { secret, prefix: settings.prefix });
      return client;
    },
    close() {
      client?.close();
      redis?.disconnect();
    },
  };
}
