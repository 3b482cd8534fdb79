// How discovery events appear in the log when there is no region: one line each with a stable `event`
// name; names received from the network stay nested under `names`, never spread into the log object.

import type { Logger } from 'pino';
import type { DiscoveryEvent } from './events.js';
import { logEventName } from './events.js';

export function logDiscoveryEvent(log: Logger, event: DiscoveryEvent): void {
  const name = logEventName(event);
  switch (event.kind) {
    case 'neighbour': {
      const fields = {
        event: name,
        interface: event.interface,
        vid: event.vid,
        ip: event.ip,
        mac: event.mac,
        previous_mac: event.previousMac,
      };
      if (event.change === 'refreshed') log.debug(fields, `neighbour ${event.ip} ${event.mac} refreshed`);
      else log.info(fields, `neighbour ${event.ip} ${event.mac} ${event.change}`);
      return;
    }
    case 'mdns':
      log.info(
        { event: name, interface: event.interface, vid: event.vid, ip: event.ip, mac: event.mac, names: event.names },
        `mDNS names for ${event.ip}`,
      );
      return;
    case 'foreign-dhcp':
      log.warn(
        {
          event: name,
          interface: event.interface,
          vid: event.vid,
          family: event.family,
          server_ip: event.serverIp,
          server_mac: event.serverMac,
          offered_ip: event.offeredIp,
        },
        `a DHCP${event.family === 6 ? 'v6' : ''} server that is not ours answers on ${event.interface}: ` +
          `${event.serverIp} (${event.serverMac ?? 'MAC unknown'})`,
      );
      return;
    case 'ip-conflict':
      log.warn(
        {
          event: name,
          interface: event.interface,
          vid: event.vid,
          ip: event.ip,
          macs: event.macs,
          reason: event.reason,
        },
        `${event.ip} is claimed by ${event.macs.join(' and ')}`,
      );
      return;
    case 'scan-done': {
      const { scanned, found, durationMs, ratePps } = event.summary;
      log.info(
        { event: name, cidrs: event.cidrs, scanned, found, duration_ms: durationMs, rate_pps: ratePps },
        `scan done: ${found} of ${scanned} answered`,
      );
      return;
    }
  }
}
