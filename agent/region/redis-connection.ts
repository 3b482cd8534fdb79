// ioredis connections for the rack (PROTOCOL.md §1: ACL user/password and TLS pass through in the URL): no offline
// queue, so a command while Redis is away fails at once (events spill to the journal) instead of piling up.

import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { backoffMs } from './backoff.js';

/**
 * `redis://…`, `rediss://…`, or `unix:///path/to/redis.sock` (Redis on the same host, or across a network
 * namespace).
 */
export function isRegionUrl(url: string): boolean {
  return /^rediss?:\/\/\S+$/.test(url) || /^unix:\/\/\/\S+$/.test(url);
}

export function connectRedis(url: string, name: string): Redis {
  const options: RedisOptions = {
    lazyConnect: true,
    enableOfflineQueue: false,
    // A blocked XREAD cut by a disconnect must fail, not be replayed later on a connection the loop gave up on.
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (times) => backoffMs(times, { baseMs: 100, maxMs: 5000 }),
    connectionName: name,
  };
  const redis = url.startsWith('unix://')
    ? new Redis({ ...options, path: url.slice('unix://'.length) })
    : new Redis(url, options);
  return redis;
}

/** Resolves once `redis` is ready; rejects after `timeoutMs` (Redis unreachable: the caller goes `degraded`). */
export function whenReady(redis: Redis, timeoutMs: number, signal: AbortSignal): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      signal.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onReady = () => done();
    const onAbort = () => done(new Error('closed'));
    const timer = setTimeout(
      () => done(new Error(`Redis not reachable within ${timeoutMs} ms (status ${redis.status})`)),
      timeoutMs,
    );
    redis.once('ready', onReady);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
