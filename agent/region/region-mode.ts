// What rackd needs to run under a region (PROTOCOL.md §1, §6.4): the secret file read once, the daemon's counters
// and interfaces in the shapes `status` reports, and the optional IPAM file as a first-boot bootstrap.

import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { parseSecret } from '../../protocol/region/signing.js';
import type { interfaceStatusSchema } from '../../protocol/region/rpc-methods.js';
import type { ServerCounters } from '../stats/server-counters.js';
import type { InterfaceInfo } from '../net/interface-info.js';
import type { PortStats } from '../net/packet-port.js';

/** Region sync settings for rackd (`--redis`, `--rack-id`, `--secret-file`, `--prefix`). */
export interface RegionModeOptions {
  redisUrl: string;
  rackId: string;
  secret: Uint8Array;
  /** @default 'rackd' */
  prefix?: string;
}

/** Read once at start; every failure names the fix (rackd refuses to start in region mode without it). */
export async function readSecretFile(path: string): Promise<Buffer> {
  let content: Buffer;
  try {
    content = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new Error(
      `region secret file ${path} cannot be read (${code}): create it with \`openssl rand -hex 32 > ${path}\` ` +
        `and give it to the rackd user only`,
      { cause: error },
    );
  }
  try {
    return parseSecret(content);
  } catch (error) {
    throw new Error(`region secret file ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** `served` for the status RPC: replies sent by type (`offer`, `ack`, `nak`) plus `drop` and `received`. */
export function servedCounts(counters: ServerCounters): Record<string, number> {
  const served: Record<string, number> = {};
  for (const [type, count] of counters.sent) served[type.toLowerCase()] = count;
  let received = 0;
  for (const count of counters.received.values()) received += count;
  let dropped = counters.decodeErrors;
  for (const count of counters.dropped.values()) dropped += count;
  return { ...served, received, drop: dropped };
}

export function interfaceStatuses(
  names: readonly string[],
  view: ReadonlyMap<string, InterfaceInfo>,
  stats: Readonly<Record<string, PortStats>>,
): z.output<typeof interfaceStatusSchema>[] {
  return names.map((name) => {
    const info = view.get(name);
    const port = stats[name];
    return {
      name,
      up: info?.up ?? false,
      ...(info === undefined ? {} : { mac: info.mac }),
      addresses: info?.addresses.map((a) => `${a.address}/${a.prefixLength}`) ?? [],
      ...(port === undefined ? {} : { received: port.received, sent: port.sent }),
    };
  });
}
