// RFC 1035 §3.1 domain names and §4.1.4 compression, as carried by the DHCP Domain Search option
// (RFC 3397 §2): a list of names in one buffer, pointers relative to the start of that buffer.

import { DecodeError } from '../binary/decode-error.js';
import { isLatin1 } from '../binary/latin1.js';
import type { Decoded } from '../binary/reader.js';

const WHAT = 'domain name';
const MAX_NAME = 255;
const MAX_LABEL = 63;

/**
 * Decodes one name at `start`. A pointer must point before the start of the label run that holds it, so
 * every jump goes strictly backwards and a hostile loop cannot spin. Names are text without the final dot.
 */
export function decodeDomainName(buf: Uint8Array, start: number): Decoded<string> {
  const labels: string[] = [];
  let at = start;
  let runStart = start;
  let end = -1;
  let wireLength = 1;
  for (;;) {
    if (at >= buf.length) throw new DecodeError(WHAT, 'truncated: missing root label', at);
    const len = buf[at] as number;
    if (len === 0) break;
    if ((len & 0xc0) === 0xc0) {
      if (at + 1 >= buf.length) throw new DecodeError(WHAT, 'truncated pointer', at);
      const target = ((len & 0x3f) << 8) | (buf[at + 1] as number);
      if (target >= runStart) throw new DecodeError(WHAT, `bad pointer to ${target}: must point backwards`, at);
      if (end < 0) end = at + 2;
      at = runStart = target;
      continue;
    }
    if (len > MAX_LABEL) throw new DecodeError(WHAT, `label length byte 0x${len.toString(16)} is reserved`, at);
    if (at + 1 + len > buf.length) throw new DecodeError(WHAT, `truncated label: need ${len} bytes`, at);
    wireLength += len + 1;
    if (wireLength > MAX_NAME) throw new DecodeError(WHAT, `name longer than ${MAX_NAME} bytes`, at);
    const label = Buffer.from(buf.buffer, buf.byteOffset + at + 1, len).toString('latin1');
    // Text form joins labels with dots, so a dot inside a label could not be told apart.
    if (label.includes('.')) throw new DecodeError(WHAT, 'label contains "."', at);
    labels.push(label);
    at += 1 + len;
  }
  return { value: labels.join('.'), offset: end < 0 ? at + 1 : end };
}

/** Decodes names until the end of `buf` (RFC 3397: the option data is a sequence of names). */
export function decodeDomainList(buf: Uint8Array): string[] {
  if (buf.length === 0) throw new DecodeError('domain-list', 'empty: need at least one name', 0);
  const names: string[] = [];
  let at = 0;
  while (at < buf.length) {
    const { value, offset } = decodeDomainName(buf, at);
    names.push(value);
    at = offset;
  }
  return names;
}

function labelsOf(name: string): string[] {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  if (trimmed === '') return [];
  const labels = trimmed.split('.');
  for (const label of labels) {
    if (label.length === 0 || label.length > MAX_LABEL) {
      throw new RangeError(`domain name "${name}" has an empty or over-long label`);
    }
    if (!isLatin1(label)) throw new RangeError(`domain name "${name}" is not latin1`);
  }
  return labels;
}

/** Encodes names with compression: a suffix already written is replaced by a pointer to it (RFC 1035 §4.1.4). */
export function encodeDomainList(names: readonly string[]): Buffer {
  const parts: number[] = [];
  const written = new Map<string, number>();
  for (const name of names) {
    const labels = labelsOf(name);
    if (labels.reduce((n, l) => n + l.length + 1, 1) > MAX_NAME)
      throw new RangeError(`domain name "${name}" is too long`);
    let i = 0;
    for (; i < labels.length; i++) {
      const suffix = labels.slice(i).join('.').toLowerCase();
      const pointer = written.get(suffix);
      if (pointer !== undefined) {
        parts.push(0xc0 | (pointer >>> 8), pointer & 0xff);
        break;
      }
      if (parts.length <= 0x3fff) written.set(suffix, parts.length);
      const label = labels[i] as string;
      parts.push(label.length, ...Buffer.from(label, 'latin1'));
    }
    if (i === labels.length) parts.push(0);
  }
  return Buffer.from(parts);
}
