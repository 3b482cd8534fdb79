// The service settings of rackd.yaml: `metrics_listen` and `rate_limit` (DHCPv4 flood protection, RFC 2131
// §4.1 drops). Schemas live here and are spliced into daemon-config.ts's options schema.

import { z } from 'zod';
import { strictObject } from '../../protocol/ipam/field-schemas.js';
import type { Dhcp4RateLimitOptions } from '../dhcp4/rate-limit.js';

export interface BucketConfig {
  /** Sustained requests per second. */
  rate: number;
  /** Extra requests allowed in one burst. */
  burst: number;
}

export interface RateLimitConfig {
  /** Per client MAC (chaddr), reserved or not. @default { rate: 2, burst: 10 } */
  per_mac: BucketConfig;
  /** All clients without a reservation together. @default { rate: 1000, burst: 2000 } */
  global: BucketConfig;
}

export const DEFAULT_METRICS_LISTEN = '127.0.0.1:9467';
export const DEFAULT_RATE_LIMIT_CONFIG: Readonly<RateLimitConfig> = Object.freeze({
  per_mac: { rate: 2, burst: 10 },
  global: { rate: 1000, burst: 2000 },
});

const positive = (what: string) =>
  z.number({ error: `${what} must be a number` }).positive({ error: `${what} must be above 0` });
const bucket = (what: string) =>
  strictObject({
    rate: positive(`${what}.rate (requests per second)`),
    burst: positive(`${what}.burst`).min(1, { error: `${what}.burst must be at least 1` }),
  });

export const rateLimitSchema = strictObject({
  per_mac: bucket('rate_limit.per_mac').default({ ...DEFAULT_RATE_LIMIT_CONFIG.per_mac }),
  global: bucket('rate_limit.global').default({ ...DEFAULT_RATE_LIMIT_CONFIG.global }),
});

export const metricsListenSchema = z
  .string({ error: 'metrics_listen must be HOST:PORT or "" (off)' })
  .regex(/^$|^(\[[0-9a-fA-F:.]+\]|[^:[\]\s]+):\d{1,5}$/, {
    error: 'metrics_listen must be HOST:PORT like 127.0.0.1:9467, [::1]:9467, or "" to turn metrics off',
  });

/** Unset in rackd.yaml: the defaults. Rate limiting is always on in the daemon. */
export function rateLimitOptions(config: RateLimitConfig = DEFAULT_RATE_LIMIT_CONFIG): Dhcp4RateLimitOptions {
  return { perMac: { ...config.per_mac }, global: { ...config.global } };
}
