// Where rackctl connects and with which secret (PROTOCOL.md §1): flags over environment over defaults, and a
// Redis connection that fails fast with a message naming the fix instead of ioredis's endless reconnecting.

import { Redis } from 'ioredis';
import { DEFAULT_PREFIX, isValidPrefix } from '../../../protocol/region/keys.js';
import { readSecretFile } from '../../config/secret-file.js';
import { integerFlag, stringFlag } from './args.js';
import type { OptionValues } from './args.js';

export interface ConnectionSettings {
  /** @default env RACKD_REDIS, else 'redis://127.0.0.1:6379' */
  redisUrl: string;
  /** @default env RACKD_PREFIX, else 'rackd' */
  prefix: string;
  /** @default env RACKD_SECRET_FILE, else '/etc/rackd/region.secret' */
  secretFile: string;
  /** Connect timeout and RPC reply timeout. @default 5000 */
  timeoutMs: number;
}

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_SECRET_FILE = '/etc/rackd/region.secret';

/** A usage problem in the global flags: exit 2. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

/** Redis unreachable or too slow: exit 3, distinct from a refusal. */
export class UnreachableError extends Error {
  override readonly name = 'UnreachableError';
}

export function resolveSettings(values: OptionValues, env: NodeJS.ProcessEnv): ConnectionSettings {
  const redisUrl = stringFlag(values, 'redis') ?? env.RACKD_REDIS ?? DEFAULT_REDIS_URL;
  if (!/^rediss?:\/\/\S+$/.test(redisUrl))
    throw new SettingsError(`--redis '${redisUrl}' is not a Redis URL: use redis://host:6379 (or rediss:// for TLS)`);
  const prefix = stringFlag(values, 'prefix') ?? env.RACKD_PREFIX ?? DEFAULT_PREFIX;
  if (!isValidPrefix(prefix))
    throw new SettingsError(`--prefix '${prefix}' is invalid: use 1–64 of A-Z a-z 0-9 . _ : - (no braces)`);
  const timeout = integerFlag(values, 'timeout', 1);
  if (timeout instanceof Error) throw new SettingsError(timeout.message);
  return {
    redisUrl,
    prefix,
    secretFile: stringFlag(values, 'secret-file') ?? env.RACKD_SECRET_FILE ?? DEFAULT_SECRET_FILE,
    timeoutMs: timeout ?? 5000,
  };
}

/** Throws SettingsError naming the flag when the file is missing, unreadable or too short. */
export function loadSecret(path: string): Buffer {
  try {
    return readSecretFile(path, (file, code) => {
      const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`;
      return `secret file ${file} ${why}: pass --secret-file FILE (the file the racks' secret_file names)`;
    });
  } catch (error) {
    throw new SettingsError((error as Error).message);
  }
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(
    /^(rediss?:\/\/)([^@/]*)@/,
    (_all, scheme: string, auth: string) => `${scheme}${auth.includes(':') ? `${auth.split(':')[0]}:***` : '***'}@`,
  );
}

/**
 * Connected, or UnreachableError. One attempt: a CLI should say "unreachable" promptly, not queue commands
 * while ioredis reconnects forever. `reconnect` (events tail) keeps ioredis's backoff after the first connect.
 */
export async function connectRedis(
  settings: ConnectionSettings,
  options: { reconnect?: boolean } = {},
): Promise<Redis> {
  const redis = new Redis(settings.redisUrl, {
    lazyConnect: true,
    connectTimeout: settings.timeoutMs,
    maxRetriesPerRequest: options.reconnect ? null : 1,
    retryStrategy: options.reconnect ? (times) => Math.min(times * 200, 2000) : () => null,
  });
  let lastError: Error | undefined;
  redis.on('error', (error: Error) => (lastError = error));
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    const why = (lastError ?? (error as Error)).message;
    throw new UnreachableError(
      `cannot reach Redis at ${redactUrl(settings.redisUrl)} (${why}): check --redis and that redis-server is running`,
    );
  }
  return redis;
}
