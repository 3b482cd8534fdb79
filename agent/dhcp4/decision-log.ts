// The DHCPv4 server's log lines for what the policy decided (RFC 2131 §4.3): replies sent, requests dropped, and
// the RELEASE / DECLINE notes (§4.3.3, §4.3.4). Counting stays with the server; these only write the journal.

import type { Logger } from 'pino';
import type { Dhcp4Decision } from './decision.js';

/** What the log lines need from the server's options (its Dhcp4ServerOptions fit). */
export interface DecisionLogOptions {
  logger: Logger;
  /** Whether to log one more line of this event now (a flood must not fill the journal). @default always */
  admitLog?: (event: string) => { allowed: boolean; suppressed: number };
}

/** Where the request arrived: every decision's line names it. */
export interface DecisionWhere {
  interface: string;
  vid: number | undefined;
}

/** A reply that was sent, at debug: the caller checks the level first so a busy server builds no line. */
export function logReply(
  log: Logger,
  decision: Extract<Dhcp4Decision, { kind: 'reply' }>,
  type: string,
  where: DecisionWhere,
): void {
  log.debug(
    {
      event: 'dhcp4.reply',
      type,
      mac: decision.mac,
      ip: decision.ip,
      subnet: decision.subnet,
      to: decision.destination.dstIp,
      ...where,
    },
    `${type} ${decision.ip} to ${decision.mac}`,
  );
}

/**
 * A dropped request: a policy fault at error, an unknown client at info through admitLog (unknown clients come in
 * floods), every other reason at debug.
 */
export function logIgnored(
  options: DecisionLogOptions,
  decision: Extract<Dhcp4Decision, { kind: 'ignore' }>,
  where: DecisionWhere,
): void {
  const log = options.logger;
  if (decision.reason === 'internal-error') {
    log.error(
      { event: 'dhcp4.internal-error', mac: decision.mac, detail: decision.detail, ...where },
      'unexpected error in the DHCPv4 policy',
    );
  } else if (decision.reason === 'unknown-client') {
    const admitted = options.admitLog?.('dhcp4.unknown-client') ?? { allowed: true, suppressed: 0 };
    if (admitted.allowed)
      log.info(
        {
          event: 'dhcp4.unknown-client',
          mac: decision.mac,
          subnet: decision.subnet,
          suppressed: admitted.suppressed,
          ...where,
        },
        `no reservation for ${decision.mac}`,
      );
  } else {
    log.debug(
      { event: 'dhcp4.drop', reason: decision.reason, mac: decision.mac, detail: decision.detail, ...where },
      `request dropped: ${decision.reason}`,
    );
  }
}

/** A DECLINE is an address conflict on the wire, so a warning; a RELEASE is routine. */
export function logNote(log: Logger, decision: Extract<Dhcp4Decision, { kind: 'note' }>, where: DecisionWhere): void {
  if (decision.event === 'decline') {
    log.warn(
      { event: 'dhcp4.decline', mac: decision.mac, ip: decision.ip, subnet: decision.subnet, ...where },
      `${decision.mac} declined ${decision.ip}: address conflict`,
    );
  } else {
    log.info(
      { event: 'dhcp4.release', mac: decision.mac, ip: decision.ip, subnet: decision.subnet, ...where },
      `${decision.mac} released ${decision.ip}`,
    );
  }
}
