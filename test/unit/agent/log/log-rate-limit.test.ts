// Log rate limiting keeps a DHCP flood (RFC 2131 unknown clients) from filling the journal.

import { describe, expect, it } from 'vitest';
import { LogRateLimiter } from '../../../../agent/log/log-rate-limit.js';

describe('LogRateLimiter', () => {
  it('lets `max` lines through per window and reports what it held back on the next one', () => {
    const limiter = new LogRateLimiter({ max: 2, windowMs: 1000 });
    const first = Array.from({ length: 5 }, () => limiter.admit('dhcp4.unknown-client', 0).allowed);
    expect(first).toEqual([true, true, false, false, false]);
    expect(limiter.suppressedTotal).toBe(3);
    expect(limiter.admit('dhcp4.unknown-client', 1000)).toEqual({ allowed: true, suppressed: 3 });
    expect(limiter.admit('dhcp4.unknown-client', 1001)).toEqual({ allowed: true, suppressed: 0 });
  });

  it('counts each event name on its own', () => {
    const limiter = new LogRateLimiter({ max: 1, windowMs: 1000 });
    expect(limiter.admit('a', 0).allowed).toBe(true);
    expect(limiter.admit('a', 0).allowed).toBe(false);
    expect(limiter.admit('b', 0).allowed).toBe(true);
  });
});
