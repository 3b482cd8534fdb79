// Typings for the parts of the `pcap` npm binding (3.x) that rackd uses; the package ships none.
declare module 'pcap' {
  import type { EventEmitter } from 'node:events';

  export interface PcapSessionOptions {
    filter?: string;
    buffer_size?: number;
    snap_length?: number;
    buffer_timeout?: number;
    promiscuous?: boolean;
    monitor?: boolean;
  }

  export interface PacketWithHeader {
    /** Shared capture buffer, reused for every packet: valid only during the 'packet' callback. */
    buf: Buffer;
    /** pcap_pkthdr: tv_sec, tv_usec, caplen (u32 LE at 8), len (u32 LE at 12). */
    header: Buffer;
    link_type: string;
  }

  export interface PcapStats {
    ps_recv: number;
    ps_drop: number;
    ps_ifdrop: number;
  }

  export interface PcapSession extends EventEmitter {
    link_type: string;
    on(event: 'packet', listener: (packet: PacketWithHeader) => void): this;
    inject(data: Buffer): void;
    stats(): PcapStats;
    close(): void;
  }

  export function createSession(device: string, options?: PcapSessionOptions): PcapSession;
  const pcap: { createSession: typeof createSession };
  export default pcap;
}
