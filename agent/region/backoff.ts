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

export interface RetryingLoop {
  /** Connect and catch up; throws to be retried after a backoff. */
  start(): Promise<void>;
  /** One read of the followed stream; throwing goes back to start() after a backoff. */
  step(): Promise<void>;
  /** Reports a failure and says how to pace the next attempt. */
  failed(error: unknown): BackoffOptions | undefined;
}

/**
 * Runs `loop` until `signal` aborts: start, then step forever; any failure backs off and starts again. Never throws.
 */
export async function runRetrying(signal: AbortSignal, loop: RetryingLoop): Promise<void> {
  let attempt = 0;
  while (!signal.aborted) {
    try {
      await loop.start();
      attempt = 0;
      while (!signal.aborted) await loop.step();
    } catch (error) {
      if (signal.aborted) break;
      await sleep(backoffMs(attempt++, loop.failed(error)), signal);
    }
  }
}
