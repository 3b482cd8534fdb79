// The events the rack's region link reports of itself (PROTOCOL.md §5.2) with rack id, time and an idempotency
// key: refusals of region entries (§8) and interface changes. DHCP events come from dhcp4/activity-events.ts.

import type { Refusal } from '../../protocol/region/entry.js';
import type { RackEvent } from '../../protocol/region/events.js';
import type { InterfaceInfo } from '../net/interface-info.js';

export class RackEvents {
  private sequence = 0;

  constructor(
    private readonly rack: string,
    private readonly emit: (event: RackEvent) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** A unique key for one-off events: start time and a sequence, unique per rack across restarts. */
  private uniqueKey(type: string, time: number): string {
    return `${type}:${time.toString(36)}:${(this.sequence++).toString(36)}`;
  }

  /**
   * A refused region entry (PROTOCOL.md §8): `security` for unauthenticated or replayed ones, else
   * `config-refused`.
   */
  refused(refusal: Refusal & { revision?: number }, stream: string, entryId: string | undefined): void {
    const time = this.now();
    const entry = entryId === undefined ? {} : { entry_id: entryId };
    if (
      refusal.kind === 'unsigned' ||
      refusal.kind === 'bad-signature' ||
      refusal.kind === 'malformed' ||
      refusal.kind === 'replay'
    ) {
      const reason = refusal.kind === 'unsigned' || refusal.kind === 'replay' ? refusal.kind : 'bad-signature';
      this.emit({
        type: 'security',
        key: this.uniqueKey('security', time),
        rack: this.rack,
        time,
        reason,
        stream,
        ...entry,
        field: refusal.field,
        message: refusal.message,
      });
      return;
    }
    const revision = refusal.revision === undefined ? {} : { revision: refusal.revision };
    this.emit({
      type: 'config-refused',
      key: this.uniqueKey('config-refused', time),
      rack: this.rack,
      time,
      ...revision,
      ...entry,
      field: refusal.field,
      message: refusal.message,
    });
  }

  interfacesChanged(interfaces: readonly InterfaceInfo[]): void {
    const time = this.now();
    this.emit({
      type: 'interfaces-changed',
      key: this.uniqueKey('interfaces-changed', time),
      rack: this.rack,
      time,
      interfaces: interfaces.map((i) => ({
        name: i.name,
        mac: i.mac,
        up: i.up,
        addresses: i.addresses.map((a) => `${a.address}/${a.prefixLength}`),
      })),
    });
  }
}
