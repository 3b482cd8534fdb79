// Counters for the DHCPv4 server: what came in, what went out, and why anything was dropped.
// Plain integers in Maps: cheap on the hot path, read by `status` and (later) Prometheus.

export class Dhcp4Counters {
  readonly received = new Map<string, number>();
  readonly sent = new Map<string, number>();
  readonly dropped = new Map<string, number>();
  decodeErrors = 0;

  countReceived(type: string): void {
    this.received.set(type, (this.received.get(type) ?? 0) + 1);
  }

  countSent(type: string): void {
    this.sent.set(type, (this.sent.get(type) ?? 0) + 1);
  }

  countDropped(reason: string): void {
    this.dropped.set(reason, (this.dropped.get(reason) ?? 0) + 1);
  }

  snapshot(): { received: Record<string, number>; sent: Record<string, number>; dropped: Record<string, number>; decodeErrors: number } {
    return {
      received: Object.fromEntries(this.received),
      sent: Object.fromEntries(this.sent),
      dropped: Object.fromEntries(this.dropped),
      decodeErrors: this.decodeErrors,
    };
  }
}
