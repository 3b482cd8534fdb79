// Durable writes of the rack's applied state (PROTOCOL.md §4.4): a file is either the old one or the new one after
// a crash (tmp file, fsync, rename, fsync the directory), and big ones are written without stalling the packet loop.

import { createHash } from 'node:crypto';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';

/** Runs a sliced computation to its result, giving the event loop a turn between slices. */
export async function betweenPackets<T>(steps: Generator<void, T>): Promise<T> {
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done === true) return step.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Hashed and written this much at a time: an 8 MB hash table hashed in one call held the loop ~20 ms. */
const CHUNK = 1 << 20;

/**
 * The sections hashed and written one at a time (the loop runs between them), fsynced, then renamed to a name
 * from their digest, which is only known at the end.
 */
export async function writeColumnsFile(
  dir: string,
  sections: readonly Uint8Array[],
): Promise<{ file: string; bytes: number; sha256: string }> {
  const tmp = join(dir, 'applied-new.bin.tmp');
  const hash = createHash('sha256');
  let bytes = 0;
  const handle = await open(tmp, 'w');
  try {
    for (const section of sections) {
      for (let at = 0; at < section.length; at += CHUNK) {
        const chunk = section.subarray(at, at + CHUNK);
        hash.update(chunk);
        await handle.writeFile(chunk);
      }
      bytes += section.length;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  const sha256 = hash.digest('hex');
  const file = `applied-${sha256.slice(0, 16)}.bin`;
  await rename(tmp, join(dir, file));
  await syncDirectory(dir);
  return { file, bytes, sha256 };
}

/** tmp file, fsync, rename over, fsync the directory: after a crash the file is the old one or the new one. */
export async function writeAtomically(path: string, content: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp`;
  const file = await open(tmp, 'w');
  try {
    await file.writeFile(content);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
  await syncDirectory(join(path, '..'));
}

/** Off the event loop: after a big file, the directory's fsync waits for the journal, which was seen taking 100 ms. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
