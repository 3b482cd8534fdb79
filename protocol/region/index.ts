// The region contract in one import (PROTOCOL.md): keys, signing, entry codecs, schemas, and RegionClient.
// Everything but RegionClient is pure; a rack imports the codecs, a region usually just RegionClient.

export * from './keys.js';
export * from './signing.js';
export * from './version.js';
export * from './entry.js';
export * from './fields.js';
export * from './snapshot.js';
export * from './config-entries.js';
export * from './events.js';
export * from './event-entries.js';
export * from './rpc-methods.js';
export * from './rpc-entries.js';
export * from './rack-status.js';
export * from './stream-replies.js';
export * from './region-errors.js';
export { RegionClient } from './region-client.js';
export type { LoadedSnapshot, PublishResult, RackInfo, RegionClientOptions } from './region-client.js';
export type { ConsumeOptions, DeliveredEntry, EventDelivery } from './event-consumer.js';
