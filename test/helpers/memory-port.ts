// An in-memory PacketPort: tests push frames in and read what the server injected, with no root and no wire.
import type { PacketPort, PortStats } from '../../agent/net/packet-port.js';

export class MemoryPort implements PacketPort {
  readonly sentFrames: Buffer[] = [];
  private handler: ((frame: Buffer) => void) | undefined;
  private received = 0;
  closed = false;

  constructor(readonly interfaceName: string) {}

  onFrame(handler: (frame: Buffer) => void): void {
    this.handler = handler;
  }

  /** Delivers a frame the way libpcap does: from a buffer that is overwritten right after the call. */
  deliver(frame: Buffer): void {
    this.received++;
    const shared = Buffer.from(frame);
    this.handler?.(shared);
    shared.fill(0xee);
  }

  send(frame: Buffer): void {
    this.sentFrames.push(Buffer.from(frame));
  }

  stats(): PortStats {
    return { received: this.received, dropped: 0, sent: this.sentFrames.length, sendErrors: 0 };
  }

  close(): void {
    this.closed = true;
  }
}
