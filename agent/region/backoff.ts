// Reconnect and retry pacing for the region loops: exponential backoff with full jitter (AWS Architecture Blog,
// "Exponential Backoff and Jitter"), so racks that lost the same Redis do not all come back in the same millisecond.

import { setTimeout as delay } from 'node:timers/promises';

export interface BackoffOptions {
  /** First delay ceiling, ms. @default 100 */
  baseMs?: number;
  /** Largest delay, ms. @default 5000 */
  maxMs?: number;
}

export function backoffMs(attempt: number, options: BackoffOptions = {}): number {
  const ceiling = Math.min(options.maxMs ?? 5000, (options.baseMs ?? 100) * 2 ** Math.min(attempt, 20));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/** Resolves after `ms`, or at once when `signal` aborts (close() must not wait out a backoff). */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal }).catch(() => undefined);
}
