// Log rate limiting: at most `max` lines per event name per window, so a DHCP flood (RFC 2131 clients without a
// reservation) cannot fill journald's disk. What was held back is reported on the next line that gets through.

export interface LogRateLimitOptions {
  /** Lines let through per event name per window. @default 20 */
  max?: number;
  /** @default 10_000 */
  windowMs?: number;
}

export interface LogAdmission {
  /** Log this one. */
  allowed: boolean;
  /** Lines of this event held back since the last one logged: put it on the line (`suppressed`). */
  suppressed: number;
}

interface Window {
  startMs: number;
  count: number;
  suppressed: number;
}

export class LogRateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly max: number;
  private readonly windowMs: number;
  /** Lines held back since start, for metrics. */
  suppressedTotal = 0;

  constructor(options: LogRateLimitOptions = {}) {
    this.max = options.max ?? 20;
    this.windowMs = options.windowMs ?? 10_000;
  }

  admit(event: string, nowMs: number = Date.now()): LogAdmission {
    let window = this.windows.get(event);
    if (window === undefined || nowMs - window.startMs >= this.windowMs) {
      window = { startMs: nowMs, count: 0, suppressed: window?.suppressed ?? 0 };
      this.windows.set(event, window);
    }
    if (window.count >= this.max) {
      window.suppressed++;
      this.suppressedTotal++;
      return { allowed: false, suppressed: 0 };
    }
    window.count++;
    const suppressed = window.suppressed;
    window.suppressed = 0;
    return { allowed: true, suppressed };
  }
}
