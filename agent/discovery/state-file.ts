// The discovery state kept across restarts when there is no region: neighbour bindings and mDNS names in
// one JSON file, written atomically (temporary file, then rename) so a crash never leaves half a file.

import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Binding } from './binding-table.js';
import type { MdnsEntry } from './mdns-observer.js';

export const STATE_FILE_NAME = 'discovery.json';

export interface DiscoveryState {
  version: 1;
  written: number;
  neighbours: Binding[];
  mdns: MdnsEntry[];
}

export function stateFilePath(stateDir: string): string {
  return join(stateDir, STATE_FILE_NAME);
}

export async function writeDiscoveryState(stateDir: string, state: DiscoveryState): Promise<void> {
  const path = stateFilePath(stateDir);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(state));
  await rename(temporary, path);
}

/** The saved state, or undefined when there is none or it cannot be read (it is only a cache). */
export async function readDiscoveryState(stateDir: string): Promise<DiscoveryState | undefined> {
  try {
    const parsed = JSON.parse(await readFile(stateFilePath(stateDir), 'utf8')) as Partial<DiscoveryState>;
    if (parsed.version !== 1 || !Array.isArray(parsed.neighbours) || !Array.isArray(parsed.mdns)) return undefined;
    const neighbours = parsed.neighbours.filter(
      (b): b is Binding =>
        typeof b?.ip === 'string' &&
        typeof b.mac === 'string' &&
        typeof b.interface === 'string' &&
        typeof b.lastSeen === 'number',
    );
    return { version: 1, written: Number(parsed.written) || 0, neighbours, mdns: parsed.mdns };
  } catch {
    return undefined;
  }
}
