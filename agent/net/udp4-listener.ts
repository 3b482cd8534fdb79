// Kernel UDP sockets for the unicast half of DHCPv4 (RFC 2131 §4.1: relays send to the server's address on port 67,
// RENEWING clients unicast to it): one socket per local IPv4 address, bound to that address so broadcasts never reach
// it.
// Kernel sockets wake at once and send with no L2 work; libpcap keeps the broadcasts that no socket can see.
// Each socket is the batching addon (udp4-batch-socket.ts) when it is built, else Node's dgram.

import { createSocket } from 'node:dgram';
import type { RemoteInfo } from 'node:dgram';
import type { Logger } from 'pino';
import { UdpBatchSocket, udpBatchAddon } from './udp4-batch-socket.js';

export interface Udp4Datagram {
  payload: Buffer;
  srcIp: string;
  srcPort: number;
  /** The local address the datagram was sent to (the socket's bound address). */
  localIp: string;
  interfaceName: string;
}

export interface Udp4ListenerOptions {
  port: number;
  logger: Logger;
  onDatagram: (datagram: Udp4Datagram) => void;
  /**
   * SO_RCVBUF in bytes: absorbs a burst while the event loop is busy (the kernel caps it at net.core.rmem_max).
   * @default 4 MiB
   */
  receiveBufferSize?: number;
  /** `dgram` uses Node's sockets even when the addon is built (tests of the fallback). @default 'auto' */
  transport?: 'auto' | 'dgram';
}

export interface Udp4ListenerStats {
  /** `batch`: the recvmmsg/sendmmsg addon; `dgram`: Node's own sockets (the addon is not built). */
  transport: 'batch' | 'dgram';
  received: number;
  sent: number;
  sendErrors: number;
  /** Addresses that could not be bound (another server holds the port): unicast to them goes unanswered. */
  unbound: string[];
}

/** One bound address, whichever the transport. */
interface Bound {
  interfaceName: string;
  listening: boolean;
  send(payload: Buffer, dstIp: string, dstPort: number): void;
  close(): void;
}

const DEFAULT_RECEIVE_BUFFER = 4 * 1024 * 1024;

export class Udp4Listener {
  private readonly sockets = new Map<string, Bound>();
  private readonly failed = new Set<string>();
  private received = 0;
  private sent = 0;
  private sendErrors = 0;
  private readonly batch: ReturnType<typeof udpBatchAddon>;
  private readonly batchSockets = new Set<UdpBatchSocket>();
  // One callback for every send: a closure per reply would be garbage on the hot path.
  private readonly afterSend = (error: Error | null) => {
    if (error === null) this.sent++;
    else this.sendErrors++;
  };

  constructor(private readonly options: Udp4ListenerOptions) {
    const { logger } = options;
    this.batch = options.transport === 'dgram' ? { error: 'dgram asked for' } : udpBatchAddon();
    if (this.batch.addon !== undefined)
      logger.debug(
        { event: 'dhcp4.unicast-transport', transport: 'batch' },
        'unicast DHCPv4 through recvmmsg/sendmmsg',
      );
    else
      logger.warn(
        { event: 'dhcp4.unicast-transport', transport: 'dgram', reason: this.batch.error },
        `batching UDP addon unavailable (${this.batch.error}); using Node dgram`,
      );
  }

  get transport(): 'batch' | 'dgram' {
    return this.batch.addon === undefined ? 'dgram' : 'batch';
  }

  /** Binds the addresses in `wanted` (address → interface) that are not bound yet and closes the others. */
  sync(wanted: ReadonlyMap<string, string>): void {
    for (const [address, bound] of [...this.sockets]) {
      if (wanted.get(address) === bound.interfaceName) continue;
      bound.close();
      this.sockets.delete(address);
    }
    for (const address of [...this.failed]) if (!wanted.has(address)) this.failed.delete(address);
    for (const [address, interfaceName] of wanted) {
      if (!this.sockets.has(address)) this.open(address, interfaceName);
    }
  }

  /** Sends from `localIp`'s socket; false when there is none (the caller falls back to L2). */
  send(localIp: string, payload: Buffer, dstIp: string, dstPort: number): boolean {
    const bound = this.sockets.get(localIp);
    if (bound === undefined || !bound.listening) return false;
    bound.send(payload, dstIp, dstPort);
    return true;
  }

  stats(): Udp4ListenerStats {
    const totals = { received: this.received, sent: this.sent, sendErrors: this.sendErrors };
    for (const socket of this.batchSockets) {
      const s = socket.stats();
      totals.received += s.received;
      totals.sent += s.sent;
      totals.sendErrors += s.sendErrors;
    }
    return { transport: this.transport, ...totals, unbound: [...this.failed] };
  }

  close(): void {
    for (const bound of this.sockets.values()) bound.close();
    this.sockets.clear();
  }

  private open(address: string, interfaceName: string): void {
    const addon = this.batch.addon;
    if (addon === undefined) {
      this.openDgram(address, interfaceName);
      return;
    }
    const { port, logger } = this.options;
    try {
      const onDatagram = (payload: Buffer, srcIp: string, srcPort: number) =>
        this.options.onDatagram({ payload, srcIp, srcPort, localIp: address, interfaceName });
      const socket = new UdpBatchSocket(
        addon,
        address,
        port,
        this.options.receiveBufferSize ?? DEFAULT_RECEIVE_BUFFER,
        onDatagram,
      );
      this.batchSockets.add(socket);
      this.sockets.set(address, {
        interfaceName,
        listening: true,
        send: (payload, dstIp, dstPort) => {
          if (!socket.send(payload, dstIp, dstPort)) this.sendErrors++;
        },
        close: () => {
          // Its counts stay in the totals after it is gone.
          const s = socket.stats();
          this.received += s.received;
          this.sent += s.sent;
          this.sendErrors += s.sendErrors;
          this.batchSockets.delete(socket);
          socket.close();
        },
      });
      this.failed.delete(address);
      logger.debug(
        { event: 'dhcp4.socket-bound', interface: interfaceName, address, port },
        `listening on ${address}:${port}`,
      );
    } catch (error) {
      this.bindFailed(address, interfaceName, error as NodeJS.ErrnoException);
    }
  }

  private bindFailed(address: string, interfaceName: string, error: NodeJS.ErrnoException): void {
    const { port, logger } = this.options;
    this.sockets.delete(address);
    this.failed.add(address);
    // EADDRINUSE: another DHCP server on this host; EADDRNOTAVAIL: the address went away while we bound it.
    logger.error(
      { event: 'dhcp4.unicast-unavailable', interface: interfaceName, address, port, code: error.code },
      `cannot bind ${address}:${port} (${error.code ?? error.message}): relayed and unicast DHCPv4 to this ` +
        `address will not be answered`,
    );
  }

  private openDgram(address: string, interfaceName: string): void {
    const { logger, port } = this.options;
    const socket = createSocket({ type: 'udp4' });
    const bound: Bound = {
      interfaceName,
      listening: false,
      send: (payload, dstIp, dstPort) => socket.send(payload, dstPort, dstIp, this.afterSend),
      close: () => socket.close(),
    };
    this.sockets.set(address, bound);
    socket.on('message', (payload: Buffer, from: RemoteInfo) => {
      this.received++;
      this.options.onDatagram({ payload, srcIp: from.address, srcPort: from.port, localIp: address, interfaceName });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (bound.listening) {
        logger.warn(
          { event: 'dhcp4.socket-error', interface: interfaceName, address, err: error },
          `UDP socket ${address}:${port}: ${error.message}`,
        );
        return;
      }
      socket.close();
      this.bindFailed(address, interfaceName, error);
    });
    socket.bind({ address, port, exclusive: true }, () => {
      bound.listening = true;
      this.failed.delete(address);
      try {
        socket.setRecvBufferSize(this.options.receiveBufferSize ?? DEFAULT_RECEIVE_BUFFER);
      } catch {
        // Only a smaller buffer: the kernel's cap applies either way.
      }
      logger.debug(
        { event: 'dhcp4.socket-bound', interface: interfaceName, address, port },
        `listening on ${address}:${port}`,
      );
    });
  }
}
