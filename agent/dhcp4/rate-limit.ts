// Flood protection for DHCPv4 (RFC 2131 §4.1 lets a server drop what it cannot serve; clients retransmit):
// token buckets per client MAC (chaddr) and for the whole daemon, checked before the policy. Pure: time is passed in.

export interface BucketLimit {
  /** Sustained requests per second. */
  rate: number;
  /** Requests allowed in one burst above the rate. */
  burst: number;
}

export interface Dhcp4RateLimitOptions {
  /**
   * Per client MAC: a retrying client sends ~1 request/s; 10 in a burst covers DISCOVER+REQUEST storms. @default {
   * rate: 2, burst: 10 }
   */
  perMac: BucketLimit;
  /** Every request from clients without a reservation, together. @default { rate: 1000, burst: 2000 } */
  global: BucketLimit;
  /**
   * MACs tracked at once; beyond this the oldest are forgotten (a random-MAC flood must not grow memory). Each
   * generation holds half: a rack booting more clients than that at once would recreate buckets on every request.
   * @default 65536 (about 6 MB)
   */
  maxTracked?: number;
}

export const DEFAULT_RATE_LIMIT: Readonly<Dhcp4RateLimitOptions> = Object.freeze({
  perMac: { rate: 2, burst: 10 },
  global: { rate: 1000, burst: 2000 },
  maxTracked: 65_536,
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
  // Two generations approximate least-recently-seen eviction without reordering a Map on every request: a MAC
  // seen in this generation or the last keeps its bucket; when this one fills, the last is forgotten whole.
  private current = new Map<string, TokenBucket>();
  private previous = new Map<string, TokenBucket>();
  private readonly global: TokenBucket;
  private readonly generationSize: number;

  constructor(
    private readonly options: Dhcp4RateLimitOptions,
    nowMs: number,
  ) {
    this.global = new TokenBucket(options.global, nowMs);
    this.generationSize = Math.max(1, Math.floor((options.maxTracked ?? DEFAULT_RATE_LIMIT.maxTracked ?? 65_536) / 2));
  }

  /** MACs with a bucket: at most maxTracked. */
  get tracked(): number {
    return this.current.size + this.previous.size;
  }

  check(mac: string, known: boolean, nowMs: number): RateLimitVerdict {
    // Unknown clients spend a global token first, so a flood never reaches the per-MAC table at all.
    if (!known && !this.global.take(nowMs)) return 'rate-limit-global';
    return this.bucketOf(mac, nowMs).take(nowMs) ? 'ok' : 'rate-limit-mac';
  }

  private bucketOf(mac: string, nowMs: number): TokenBucket {
    const bucket = this.current.get(mac);
    if (bucket !== undefined) return bucket;
    const kept = this.previous.get(mac);
    if (kept !== undefined) this.previous.delete(mac);
    if (this.current.size >= this.generationSize) {
      // A flooder's MACs, or clients whose buckets have long been full again, go with the old generation.
      this.previous = this.current;
      this.current = new Map();
    }
    const moved = kept ?? new TokenBucket(this.options.perMac, nowMs);
    this.current.set(mac, moved);
    return moved;
  }
}
