// A UDP socket that hands JS a batch of datagrams per wake-up (recvmmsg) and sends the replies written during that
// batch in one sendmmsg: the small N-API addon in native/udp-batch (see its source for why Node's dgram was not
// enough).

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ipv4Text, parseIpv4 } from '../../protocol/net/ipv4-address.js';

interface Addon {
  open(
    self: object,
    address: string,
    port: number,
    receiveBufferBytes: number,
    onBatch: (count: number) => number,
  ): void;
  send(self: object, count: number): void;
  close(self: object): void;
  stats(self: object): UdpBatchStats;
  BATCH: number;
  SLOT: number;
  META: number;
}

export interface UdpBatchStats {
  received: number;
  sent: number;
  sendErrors: number;
  /** Datagrams longer than a slot (2048 bytes): dropped, never a DHCP request. */
  truncated: number;
}

const ADDON_PATH = 'native/udp-batch/build/udp_batch.node';
const FLAG_TRUNCATED = 1;

/** From agent/net (vitest, tsx) or dist/agent/net (the built daemon), the repository root is two or three levels up. */
function findAddon(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  return [join(here, '../..', ADDON_PATH), join(here, '../../..', ADDON_PATH)].find((path) => existsSync(path));
}

let loaded: { addon?: Addon; error?: string } | undefined;

/** The addon, or why it is not there (not built: `make build` compiles it). Loaded once. */
export function udpBatchAddon(): { addon?: Addon; error?: string } {
  if (loaded !== undefined) return loaded;
  const path = findAddon();
  if (path === undefined) return (loaded = { error: `${ADDON_PATH} not built (run \`make build\`)` });
  try {
    return (loaded = { addon: createRequire(import.meta.url)(path) as Addon });
  } catch (error) {
    return (loaded = { error: `${path}: ${(error as Error).message}` });
  }
}

export type BatchDatagramHandler = (payload: Buffer, srcIp: string, srcPort: number) => void;

interface Shared {
  rx: ArrayBuffer;
  rxMeta: ArrayBuffer;
  tx: ArrayBuffer;
  txMeta: ArrayBuffer;
}

export class UdpBatchSocket {
  private readonly self = {} as Shared;
  private readonly rx: Buffer;
  private readonly rxMeta: Uint32Array;
  private readonly tx: Buffer;
  private readonly txMeta: Uint32Array;
  private pending = 0;
  private inBatch = false;
  // Replies go to the same few relays over and over: their address is parsed once, not once per reply.
  private lastDst = '';
  private lastDstNumber = -1;
  private closed = false;

  /** Binds at once; throws an Error with `code` (EADDRINUSE, EADDRNOTAVAIL, EACCES) when it cannot. */
  constructor(
    private readonly addon: Addon,
    address: string,
    port: number,
    receiveBufferBytes: number,
    private readonly onDatagram: BatchDatagramHandler,
    private readonly onTruncated: () => void = () => {},
  ) {
    addon.open(this.self, address, port, receiveBufferBytes, (count) => this.onBatch(count));
    this.rx = Buffer.from(this.self.rx);
    this.rxMeta = new Uint32Array(this.self.rxMeta);
    this.tx = Buffer.from(this.self.tx);
    this.txMeta = new Uint32Array(this.self.txMeta);
  }

  /** Queued until the batch being handled ends, or sent at once outside one. False when it cannot be sent at all. */
  send(payload: Buffer, dstIp: string, dstPort: number): boolean {
    const { SLOT, META, BATCH } = this.addon;
    if (dstIp !== this.lastDst) {
      this.lastDst = dstIp;
      this.lastDstNumber = parseIpv4(dstIp);
    }
    const ip = this.lastDstNumber;
    if (this.closed || ip < 0 || payload.length > SLOT) return false;
    if (this.pending === BATCH) this.flush();
    const slot = this.pending++;
    payload.copy(this.tx, slot * SLOT);
    this.txMeta[slot * META] = payload.length;
    this.txMeta[slot * META + 1] = ip;
    this.txMeta[slot * META + 2] = dstPort;
    if (!this.inBatch) this.flush();
    return true;
  }

  stats(): UdpBatchStats {
    return this.addon.stats(this.self);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.addon.close(this.self);
  }

  private flush(): void {
    const count = this.pending;
    this.pending = 0;
    if (count > 0) this.addon.send(this.self, count);
  }

  /** Returns how many tx slots to send: the addon sends them in one sendmmsg after this returns. */
  private onBatch(count: number): number {
    const { SLOT, META } = this.addon;
    this.inBatch = true;
    try {
      for (let i = 0; i < count && !this.closed; i++) {
        const meta = i * META;
        if (((this.rxMeta[meta + 3] as number) & FLAG_TRUNCATED) !== 0) {
          this.onTruncated();
          continue;
        }
        // A view into the receive area: the handler copies what it keeps (the DHCP decoder does), as with pcap.
        const payload = this.rx.subarray(i * SLOT, i * SLOT + (this.rxMeta[meta] as number));
        this.onDatagram(payload, ipv4Text(this.rxMeta[meta + 1] as number), this.rxMeta[meta + 2] as number);
      }
    } finally {
      this.inBatch = false;
    }
    const replies = this.closed ? 0 : this.pending;
    this.pending = 0;
    return replies;
  }
}
