// Token buckets for DHCPv4 flood protection (RFC 2131 §4.1 drops): per-MAC and global limits, with time passed in.

import { describe, expect, it } from 'vitest';
import { Dhcp4RateLimiter, TokenBucket } from '../../../../agent/dhcp4/rate-limit.js';

const LIMITS = { perMac: { rate: 1, burst: 3 }, global: { rate: 10, burst: 5 } };

describe('TokenBucket', () => {
  it('allows a burst, then refills at the rate', () => {
    const bucket = new TokenBucket({ rate: 2, burst: 3 }, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
    expect(bucket.take(499)).toBe(false);
    expect(bucket.take(500)).toBe(true);
    expect(bucket.take(10_000)).toBe(true);
    // Refill never exceeds the burst.
    expect([bucket.take(10_000), bucket.take(10_000), bucket.take(10_000)]).toEqual([true, true, false]);
  });
});

describe('Dhcp4RateLimiter', () => {
  it('limits one MAC to its burst and rate', () => {
    const limiter = new Dhcp4RateLimiter(LIMITS, 0);
    const verdicts = Array.from({ length: 4 }, () => limiter.check('52:54:00:00:00:01', true, 0));
    expect(verdicts).toEqual(['ok', 'ok', 'ok', 'rate-limit-mac']);
    expect(limiter.check('52:54:00:00:00:01', true, 1000)).toBe('ok');
  });

  it('drops unknown MACs past the global bucket but never starves a reserved one', () => {
    const limiter = new Dhcp4RateLimiter(LIMITS, 0);
    const flood = Array.from({ length: 100 }, (_, i) =>
      limiter.check(`02:00:00:00:00:${i.toString(16).padStart(2, '0')}`, false, 0),
    );
    expect(flood.filter((v) => v === 'ok')).toHaveLength(5);
    expect(flood.filter((v) => v === 'rate-limit-global')).toHaveLength(95);
    expect(limiter.check('52:54:00:00:00:01', true, 0)).toBe('ok');
  });

  it('forgets the least recently seen MACs beyond maxTracked', () => {
    const limiter = new Dhcp4RateLimiter({ ...LIMITS, global: { rate: 1e9, burst: 1e9 }, maxTracked: 10 }, 0);
    for (let i = 0; i < 50; i++) limiter.check(`02:00:00:00:01:${i.toString(16).padStart(2, '0')}`, false, 0);
    expect(limiter.tracked).toBe(10);
  });
});

describe('rackd.yaml service settings', () => {
  it('reads metrics_listen and rate_limit, filling a partly given rate_limit from the defaults', async () => {
    const { parseDaemonConfig } = await import('../../../../agent/config/daemon-config.js');
    const result = parseDaemonConfig({ metrics_listen: '', rate_limit: { global: { rate: 50, burst: 100 } } });
    expect(result.ok && result.options.metrics_listen).toBe('');
    expect(result.ok && result.options.rate_limit).toEqual({
      per_mac: { rate: 2, burst: 10 },
      global: { rate: 50, burst: 100 },
    });
  });

  it('refuses a bad metrics_listen and a zero rate, naming the fix', async () => {
    const { parseDaemonConfig } = await import('../../../../agent/config/daemon-config.js');
    const bad = parseDaemonConfig({ metrics_listen: 'localhost', rate_limit: { per_mac: { rate: 0, burst: 1 } } });
    expect(bad.ok ? [] : bad.problems.map((p) => p.path)).toEqual([
      'rackd.yaml: metrics_listen',
      'rackd.yaml: rate_limit.per_mac.rate',
    ]);
  });
});
