// The server's DUID (RFC 8415 §11): a DUID-LL (§11.4) from the first served interface's MAC, written to
// `<state_dir>/dhcp6-duid` once and read back after, since §11 wants it stable across restarts and NIC changes.

import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DecodeError } from '../../protocol/binary/decode-error.js';
import { decodeDuid, duidLlFromMac, DuidType, encodeDuid } from '../../protocol/dhcp6/duid.js';
import { bytesToColonHex } from '../../protocol/net/mac.js';

export const DUID_FILE = 'dhcp6-duid';

export interface ServerDuid {
  duid: Buffer;
  /** True when this call made it (first start, or an empty file), false when read from the state dir. */
  created: boolean;
  path: string;
  /** Set when a file was there but empty (a crash or a truncation): the DUID was made anew. */
  replacedEmpty?: boolean;
}

function parseDuidText(text: string, path: string): Buffer {
  const hex = text.trim().replace(/:/g, '');
  const bytes = /^([0-9a-f]{2})+$/i.test(hex) ? Buffer.from(hex, 'hex') : undefined;
  try {
    if (bytes === undefined || bytes.length < 3) throw new DecodeError('duid', 'not colon hex', 0);
    decodeDuid(bytes);
    return bytes;
  } catch {
    throw new Error(
      `${path} does not hold a DUID (colon hex like 00:03:00:01:52:54:00:12:34:56): fix it, or delete it to ` +
        `have rackd make a new one`,
    );
  }
}

/** A MAC of all zeros (loopback, some tunnels) names no hardware: fall back to a random DUID-UUID (RFC 6355). */
function newDuid(mac: string | undefined): Buffer {
  if (mac !== undefined && !/^(00:){5}00$/.test(mac)) return duidLlFromMac(mac);
  return encodeDuid({ type: DuidType.UUID, uuid: randomBytes(16) });
}

export async function loadServerDuid(stateDir: string, mac: string | undefined): Promise<ServerDuid> {
  const path = join(stateDir, DUID_FILE);
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // An empty file holds nothing to keep stable: make a new DUID rather than stop the daemon over it.
  const empty = text !== undefined && text.trim() === '';
  if (text !== undefined && !empty) return { duid: parseDuidText(text, path), created: false, path };
  const duid = newDuid(mac);
  // Write-then-rename: a crash mid-write must not leave a half DUID that the next start refuses.
  await writeFile(`${path}.tmp`, `${bytesToColonHex(duid)}\n`);
  await rename(`${path}.tmp`, path);
  return { duid, created: true, path, ...(empty ? { replacedEmpty: true } : {}) };
}
