// The region secret on disk: read once at start, from the credential systemd passed (LoadCredential=, exposed in
// $CREDENTIALS_DIRECTORY) when there is one, and refused when anyone but its owner may read or change it.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseSecret } from '../../protocol/region/signing.js';

export class SecretFileError extends Error {
  override readonly name = 'SecretFileError';
}

/** Mode bits that let group or others read, write or run the file. */
const NOT_PRIVATE = 0o077;

/**
 * The credential systemd passed under `path`'s file name, when the service has credentials and that one exists
 * (`LoadCredential=region.secret:/etc/rackd/region.secret`), else `path` itself.
 */
export function secretFilePath(path: string, credentialsDir = process.env.CREDENTIALS_DIRECTORY): string {
  if (credentialsDir === undefined || credentialsDir === '') return path;
  const credential = join(credentialsDir, basename(path));
  return existsSync(credential) ? credential : path;
}

/** Refuses a secret that group or others may read or change, naming the command that fixes it. */
export function assertPrivate(path: string): void {
  const mode = statSync(path).mode & 0o777;
  if ((mode & NOT_PRIVATE) === 0) return;
  throw new SecretFileError(
    `secret file ${path} has mode ${mode.toString(8).padStart(4, '0')}: anyone who can read it can steer the ` +
      `racks; run \`chmod 600 ${path}\` (under systemd, pass it with LoadCredential= instead: docs/operations.md)`,
  );
}

/**
 * Reads and checks a secret file; every failure names its fix. `missing` says what to do when there is no file
 * (rackd and rackctl tell the operator different things).
 */
export function readSecretFile(path: string, missing: (path: string, code: string) => string): Buffer {
  const actual = secretFilePath(path);
  let content: Buffer;
  try {
    content = readFileSync(actual);
  } catch (error) {
    throw new SecretFileError(missing(actual, (error as NodeJS.ErrnoException).code ?? (error as Error).message));
  }
  assertPrivate(actual);
  try {
    return parseSecret(content);
  } catch (error) {
    throw new SecretFileError(`secret file ${actual}: ${(error as Error).message}`);
  }
}
