// What the DHCPv4 server tells a listener about each decided request (RFC 2131 §4.3): who asked, and what was
// answered or why not. Standalone rackd passes nothing and pays one undefined check per packet.

import type { Dhcp4Message } from '../../protocol/dhcp4/message.js';
import type { Dhcp4Decision } from './decision.js';

export interface Dhcp4EventSink {
  /** Called synchronously after the decision was acted on; must not throw and must be cheap. */
  decided(decision: Dhcp4Decision, request: Dhcp4Message, where: { interface: string; vid: number | undefined }): void;
}
