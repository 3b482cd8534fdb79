// Counters for a DHCP server (v4 or v6): message types in, replies out, drops by stable reason.
// Plain integers in Maps: cheap on the hot path, read by `status`, the RPC and the metrics endpoint.

export interface ServerCounterSnapshot {
  received: Record<string, number>;
  sent: Record<string, number>;
  dropped: Record<string, number>;
  decodeErrors: number;
  sendErrors: number;
}

export class ServerCounters {
  readonly received = new Map<string, number>();
  readonly sent = new Map<string, number>();
  readonly dropped = new Map<string, number>();
  decodeErrors = 0;
  sendErrors = 0;

  countReceived(type: string): void {
    this.received.set(type, (this.received.get(type) ?? 0) + 1);
  }

  countSent(type: string): void {
    this.sent.set(type, (this.sent.get(type) ?? 0) + 1);
  }

  countDropped(reason: string): void {
    this.dropped.set(reason, (this.dropped.get(reason) ?? 0) + 1);
  }

  snapshot(): ServerCounterSnapshot {
    return {
      received: Object.fromEntries(this.received),
      sent: Object.fromEntries(this.sent),
      dropped: Object.fromEntries(this.dropped),
      decodeErrors: this.decodeErrors,
      sendErrors: this.sendErrors,
    };
  }
}
