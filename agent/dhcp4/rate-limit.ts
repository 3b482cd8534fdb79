// Flood protection for DHCPv4 (RFC 2131 §4.1 lets a server drop what it cannot serve; clients retransmit):
// token buckets per client MAC (chaddr) and for the whole daemon, checked before the policy. Pure: time is passed in.

export interface BucketLimit {
  /** Sustained requests per second. */
  rate: number;
  /** Requests allowed in one burst above the rate. */
  burst: number;
}

export interface Dhcp4RateLimitOptions {
  /** Per client MAC: a retrying client sends ~1 request/s; 10 in a burst covers DISCOVER+REQUEST storms. @default { rate: 2, burst: 10 } */
  perMac: BucketLimit;
  /** Every request from clients without a reservation, together. @default { rate: 1000, burst: 2000 } */
  global: BucketLimit;
  /** MACs tracked at once; beyond this the oldest are forgotten (a random-MAC flood must not grow memory). @default 16384 */
  maxTracked?: number;
}

export const DEFAULT_RATE_LIMIT: Readonly<Dhcp4RateLimitOptions> = Object.freeze({
  perMac: { rate: 2, burst: 10 },
  global: { rate: 1000, burst: 2000 },
  maxTracked: 16_384,
});

export type RateLimitVerdict = 'ok' | 'rate-limit-mac' | 'rate-limit-global';

/** A token bucket: holds up to `burst` tokens, refilled at `rate` per second. */
export class TokenBucket {
  private tokens: number;
  private updatedMs: number;

  constructor(
    private readonly limit: BucketLimit,
    nowMs: number,
  ) {
    this.tokens = limit.burst;
    this.updatedMs = nowMs;
  }

  take(nowMs: number): boolean {
    const elapsed = Math.max(0, nowMs - this.updatedMs) / 1000;
    this.tokens = Math.min(this.limit.burst, this.tokens + elapsed * this.limit.rate);
    this.updatedMs = nowMs;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * The per-MAC bucket applies to everyone, so a stuck or hostile client with a reservation is limited too. The
 * global bucket applies only to MACs without a reservation (`known` false): a random-MAC flood exhausts it
 * and is dropped before any further work, while reserved clients are never starved by it.
 */
export class Dhcp4RateLimiter {
  private readonly perMac = new Map<string, TokenBucket>();
  private readonly global: TokenBucket;
  private readonly maxTracked: number;

  constructor(
    private readonly options: Dhcp4RateLimitOptions,
    nowMs: number,
  ) {
    this.global = new TokenBucket(options.global, nowMs);
    this.maxTracked = options.maxTracked ?? DEFAULT_RATE_LIMIT.maxTracked ?? 16_384;
  }

  get tracked(): number {
    return this.perMac.size;
  }

  check(mac: string, known: boolean, nowMs: number): RateLimitVerdict {
    // Unknown clients spend a global token first, so a flood never reaches the per-MAC table at all.
    if (!known && !this.global.take(nowMs)) return 'rate-limit-global';
    let bucket = this.perMac.get(mac);
    if (bucket === undefined) {
      this.makeRoom();
      bucket = new TokenBucket(this.options.perMac, nowMs);
    } else {
      this.perMac.delete(mac);
    }
    // Re-inserted so Map order is least-recently-seen first, for makeRoom().
    this.perMac.set(mac, bucket);
    return bucket.take(nowMs) ? 'ok' : 'rate-limit-mac';
  }

  /** Forgets the least recently seen MAC: a flooder's, or one whose bucket has long been full again. */
  private makeRoom(): void {
    while (this.perMac.size >= this.maxTracked) {
      const oldest = this.perMac.keys().next();
      if (oldest.done === true) return;
      this.perMac.delete(oldest.value);
    }
  }
}
