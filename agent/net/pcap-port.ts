// PacketPort over libpcap (the `pcap` binding): BPF-filtered capture and pcap_inject on one interface.
// buffer_timeout is a few ms rather than immediate mode: immediate mode lost most of a burst here (LAB-NOTES).

import pcap from 'pcap';
import type { PcapSession } from 'pcap';
import type { PacketPort, PortStats } from './packet-port.js';

export interface PcapPortOptions {
  /** BPF filter expression; the port sees only what it matches. */
  filter: string;
  /**
   * How long the kernel may hold captured frames before waking us, in ms: batches wake-ups under load.
   * @default 1
   */
  bufferTimeoutMs?: number;
  /**
   * Kernel capture buffer in bytes; a burst larger than this is dropped and counted.
   * @default 16 MiB
   */
  bufferSize?: number;
  /**
   * Longest frame captured; DHCP fits easily, jumbo frames included.
   * @default 9216
   */
  snapLength?: number;
}

export class PcapPort implements PacketPort {
  private readonly session: PcapSession;
  private sent = 0;
  private sendErrors = 0;
  private closed = false;

  constructor(
    readonly interfaceName: string,
    options: PcapPortOptions,
  ) {
    this.session = pcap.createSession(interfaceName, {
      filter: options.filter,
      buffer_timeout: options.bufferTimeoutMs ?? 1,
      buffer_size: options.bufferSize ?? 16 * 1024 * 1024,
      snap_length: options.snapLength ?? 9216,
      promiscuous: false,
    });
  }

  onFrame(handler: (frame: Buffer) => void): void {
    this.session.on('packet', (packet) => {
      const length = packet.header.readUInt32LE(8);
      handler(packet.buf.subarray(0, length));
    });
  }

  send(frame: Buffer): void {
    try {
      this.session.inject(frame);
      this.sent++;
    } catch {
      // A full socket buffer or a link that just went down: counted, and the client retries.
      this.sendErrors++;
    }
  }

  stats(): PortStats {
    const s = this.closed ? { ps_recv: 0, ps_drop: 0 } : this.session.stats();
    return { received: s.ps_recv, dropped: s.ps_drop, sent: this.sent, sendErrors: this.sendErrors };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.session.close();
  }
}
