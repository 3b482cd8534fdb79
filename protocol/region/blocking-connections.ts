// Connections for blocking reads (XREAD/XREADGROUP BLOCK): a blocked connection queues every other command
// behind it, so RegionClient never blocks the caller's shared connection; it duplicates one and reuses it.

import type { Redis } from 'ioredis';

export class BlockingConnections {
  private readonly idle: Redis[] = [];
  private readonly all = new Set<Redis>();
  private closed = false;

  constructor(
    private readonly source: Redis,
    /** Idle connections kept for reuse; more are opened while that many calls block at once. */
    private readonly maxIdle = 4,
  ) {}

  async use<T>(fn: (connection: Redis) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('RegionClient is closed');
    const connection = this.idle.pop() ?? this.open();
    let healthy = false;
    try {
      const result = await fn(connection);
      healthy = true;
      return result;
    } finally {
      // A connection whose command failed may still be blocked server-side: drop it rather than reuse it.
      if (healthy && !this.closed && this.idle.length < this.maxIdle) this.idle.push(connection);
      else this.drop(connection);
    }
  }

  private open(): Redis {
    const connection = this.source.duplicate();
    // The owner of `source` sees its errors; ours would otherwise be unhandled 'error' events.
    connection.on('error', () => undefined);
    this.all.add(connection);
    return connection;
  }

  private drop(connection: Redis): void {
    this.all.delete(connection);
    connection.disconnect();
  }

  /** Idempotent. Disconnects only the duplicates; the caller's connection is theirs to close. */
  close(): void {
    this.closed = true;
    for (const connection of this.all) connection.disconnect();
    this.all.clear();
    this.idle.length = 0;
  }
}
