// A packet port is one interface's L2 receive and send path. The DHCP server only sees this interface,
// so policy and server tests can run over an in-memory port while production uses libpcap (Kea's PktFilter idea).

export interface PortStats {
  /** Frames the kernel handed to the capture. */
  received: number;
  /** Frames the capture buffer had no room for. */
  dropped: number;
  sent: number;
  sendErrors: number;
}

export interface PacketPort {
  readonly interfaceName: string;
  /** The frame buffer is only valid during the call: the capture reuses it for the next frame. */
  onFrame(handler: (frame: Buffer) => void): void;
  send(frame: Buffer): void;
  stats(): PortStats;
  close(): void;
}
