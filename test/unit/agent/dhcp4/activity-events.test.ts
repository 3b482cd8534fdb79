// What a rack tells its region about DHCP clients (PROTOCOL.md §5.2): the client's own strings arrive as sent,
// less the trailing NULs RFC 2132 §2 says a receiver must be prepared to delete.

import { describe, expect, it } from 'vitest';
import { Dhcp4ActivityEvents } from '../../../../agent/dhcp4/activity-events.js';
import { MessageType } from '../../../../protocol/dhcp4/message.js';
import type { RackEvent } from '../../../../protocol/region/events.js';
import { UNKNOWN_MAC, request } from './policy-fixtures.js';

describe('Dhcp4ActivityEvents', () => {
  it('reports a host name and vendor class sent with trailing NULs without them', () => {
    const events: RackEvent[] = [];
    const sink = new Dhcp4ActivityEvents(
      'r1',
      (event) => events.push(event),
      () => 1_800_000_000_000,
    );
    const discover = request({
      type: MessageType.Discover,
      mac: UNKNOWN_MAC,
      options: [
        [12, Buffer.from('nas1\0', 'latin1')],
        [60, Buffer.from('PXEClient\0\0', 'latin1')],
      ],
    });
    sink.decided(
      { kind: 'ignore', reason: 'unknown-client', mac: UNKNOWN_MAC, subnet: '10.20.0.0/24', detail: undefined },
      discover,
      { interface: 'eth0', vid: undefined },
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'unknown-client',
      mac: UNKNOWN_MAC,
      requested: { hostname: 'nas1', vendor_class: 'PXEClient' },
    });
  });
});
