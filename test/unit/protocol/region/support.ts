// Shared fixtures of the region contract tests: a secret, the default keys, and flat ⇄ record helpers.
import { regionKeys } from '../../../../protocol/region/keys.js';
import { signFields } from '../../../../protocol/region/signing.js';

export const SECRET = Buffer.from('0123456789abcdef0123456789abcdef');
export const OTHER_SECRET = Buffer.from('fedcba9876543210fedcba9876543210');
export const KEYS = regionKeys();

export function toRecord(flat: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) out[flat[i] as string] = flat[i + 1] as string;
  return out;
}

export function toFlat(record: Record<string, string>): string[] {
  return Object.entries(record).flat();
}

/** `flat` with `field` replaced, the signature left as it was (a tampered entry). */
export function tamper(flat: readonly string[], field: string, value: string): string[] {
  return toFlat({ ...toRecord(flat), [field]: value });
}

/** `flat` with `changes` applied and re-signed for `channel`: a well-signed entry of the writer's choosing. */
export function resign(
  flat: readonly string[],
  changes: Record<string, string | undefined>,
  channel: string,
): string[] {
  const record: Record<string, string> = { ...toRecord(flat) };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete record[k];
    else record[k] = v;
  }
  delete record.sig;
  return toFlat({ ...record, sig: signFields(SECRET, channel, record) });
}
