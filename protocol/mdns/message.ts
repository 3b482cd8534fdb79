// mDNS messages (RFC 6762 §18, RFC 1035 §4.1): dns-packet does the decoding; this wrapper checks the record
// framing first (counts, RDLENGTH, A/AAAA sizes) and turns every failure into our DecodeError.

import dnsPacket from 'dns-packet';
import { DecodeError } from '../binary/decode-error.js';
import { need, readU16 } from '../binary/reader.js';

export const MDNS_PORT = 5353;
/** RFC 6762 §17: an mDNS message may fill a 9000-byte jumbo frame; anything longer is not mDNS. */
export const MDNS_MAX_LENGTH = 9000;
const HEADER_LENGTH = 12;
const WHAT = 'mdns message';

export type MdnsSection = 'answer' | 'authority' | 'additional';

interface RecordBase {
  /** Owner name as dns-packet decoded it (UTF-8, untrusted: sanitise before use). */
  name: string;
  section: MdnsSection;
  ttl: number;
  /** RFC 6762 §10.2 cache-flush bit. */
  flush: boolean;
}

export type MdnsRecord =
  | (RecordBase & { type: 'A' | 'AAAA'; address: string })
  | (RecordBase & { type: 'PTR'; target: string })
  | (RecordBase & { type: 'SRV'; target: string; port: number })
  | (RecordBase & { type: 'other'; rrtype: string });

export interface MdnsMessage {
  id: number;
  /** QR bit: only responses carry announcements. */
  response: boolean;
  questions: number;
  records: MdnsRecord[];
}

/** Walks a name in place (RFC 1035 §4.1.4) and returns the offset after it; pointers end it. */
function skipName(buf: Uint8Array, start: number): number {
  let at = start;
  for (;;) {
    need(buf, at, 1, `${WHAT} name`);
    const length = buf[at] as number;
    if (length === 0) return at + 1;
    if ((length & 0xc0) === 0xc0) {
      need(buf, at, 2, `${WHAT} name pointer`);
      return at + 2;
    }
    if ((length & 0xc0) !== 0) throw new DecodeError(`${WHAT} name`, `label type 0x${length.toString(16)}`, at);
    at += 1 + length;
  }
}

const TYPE_A = 1;
const TYPE_AAAA = 28;
const TYPE_OPT = 41;

/** Checks that every question and record fits and that address records have their fixed sizes. */
function checkFraming(buf: Uint8Array): void {
  need(buf, 0, HEADER_LENGTH, `${WHAT} header`);
  let at = HEADER_LENGTH;
  for (let q = readU16(buf, 4, WHAT); q > 0; q--) {
    at = skipName(buf, at);
    need(buf, at, 4, `${WHAT} question`);
    at += 4;
  }
  const records = readU16(buf, 6, WHAT) + readU16(buf, 8, WHAT) + readU16(buf, 10, WHAT);
  for (let r = 0; r < records; r++) {
    at = skipName(buf, at);
    const type = readU16(buf, at, `${WHAT} record`);
    const rdlength = readU16(buf, at + 8, `${WHAT} record`);
    need(buf, at + 10, rdlength, `${WHAT} record data`);
    if (type === TYPE_A && rdlength !== 4)
      throw new DecodeError(`${WHAT} A record`, `RDLENGTH ${rdlength}, expected 4`, at + 8);
    if (type === TYPE_AAAA && rdlength !== 16)
      throw new DecodeError(`${WHAT} AAAA record`, `RDLENGTH ${rdlength}, expected 16`, at + 8);
    // dns-packet parses OPT options without bounds of its own; mDNS has no use for them.
    if (type === TYPE_OPT) throw new DecodeError(`${WHAT} record`, 'OPT record in mDNS', at);
    at += 10 + rdlength;
  }
}

function toRecord(answer: dnsPacket.Answer, section: MdnsSection): MdnsRecord {
  const base: RecordBase = {
    name: answer.name,
    section,
    ttl: 'ttl' in answer ? (answer.ttl ?? 0) : 0,
    flush: 'flush' in answer ? Boolean(answer.flush) : false,
  };
  switch (answer.type) {
    case 'A':
    case 'AAAA':
      return { ...base, type: answer.type, address: answer.data };
    case 'PTR':
      return { ...base, type: 'PTR', target: answer.data };
    case 'SRV':
      return { ...base, type: 'SRV', target: answer.data.target, port: answer.data.port };
    default:
      return { ...base, type: 'other', rrtype: String(answer.type) };
  }
}

/** Decodes one mDNS message; throws DecodeError (and nothing else) when it is malformed. */
export function decodeMdns(input: Uint8Array): MdnsMessage {
  if (input.length > MDNS_MAX_LENGTH)
    throw new DecodeError(WHAT, `${input.length} bytes is over the ${MDNS_MAX_LENGTH}-byte limit`, 0);
  checkFraming(input);
  const buf = Buffer.from(input.buffer, input.byteOffset, input.length);
  let packet: dnsPacket.DecodedPacket;
  try {
    packet = dnsPacket.decode(buf);
  } catch (error) {
    throw new DecodeError(WHAT, error instanceof Error ? error.message : String(error), 0);
  }
  const records: MdnsRecord[] = [];
  for (const answer of packet.answers ?? []) records.push(toRecord(answer, 'answer'));
  for (const answer of packet.authorities ?? []) records.push(toRecord(answer, 'authority'));
  for (const answer of packet.additionals ?? []) records.push(toRecord(answer, 'additional'));
  return {
    id: packet.id ?? 0,
    response: packet.type === 'response',
    questions: packet.questions?.length ?? 0,
    records,
  };
}
