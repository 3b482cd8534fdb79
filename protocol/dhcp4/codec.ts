// DHCPv4 message codec (RFC 2131 §2-4.1, RFC 2132 §2-3 and §9.3 overload, RFC 3396 long options,
// RFC 1542 §3.3 minimum size): decode bytes to a Dhcp4Message with raw option data, and encode back.

import { DecodeError } from '../binary/decode-error.js';
import { isLatin1 } from '../binary/latin1.js';
import { readNulTerminated, readU32 } from '../binary/reader.js';
import { readIpv4, writeIpv4 } from '../net/ipv4-address.js';
import type { BootOp, Dhcp4Message, Dhcp4Options } from './message.js';
import type { Piece } from './option-placement.js';
import { placeOptions, Region } from './option-placement.js';
import {
  CHADDR_LENGTH,
  FILE_LENGTH,
  MAGIC_COOKIE,
  MAX_INSTANCE_DATA,
  OFFSET_CHADDR,
  OFFSET_CIADDR,
  OFFSET_COOKIE,
  OFFSET_FILE,
  OFFSET_OPTIONS,
  OFFSET_SNAME,
  OFFSET_XID,
  OPTION_END,
  OPTION_OVERLOAD,
  OPTION_PAD,
  OVERLOAD_FILE,
  OVERLOAD_SNAME,
  SNAME_LENGTH,
} from './wire-layout.js';

export interface EncodeDhcp4Options {
  /** Largest message the client accepts (from its option 57); triggers option overload, then RangeError. */
  maxLength?: number;
}

/**
 * Scans one option area `[start, end)` of `buf` (the decoder's own copy), adding each option's data to `options`
 * as a view; a code seen again is an RFC 3396 split option and is concatenated in order (§6). Returns the option
 * 52 value seen (0 if none). Stops at End; running off the end without End is tolerated because many clients do it.
 */
function scanOptions(buf: Buffer, start: number, end: number, options: Dhcp4Options, where: string): number {
  let overload = 0;
  let at = start;
  while (at < end) {
    const code = buf[at] as number;
    if (code === OPTION_END) break;
    if (code === OPTION_PAD) {
      at++;
      continue;
    }
    if (at + 1 >= end) throw new DecodeError(`dhcp4 option ${code} in ${where}`, 'truncated: missing length', at);
    const len = buf[at + 1] as number;
    const dataStart = at + 2;
    if (dataStart + len > end) {
      throw new DecodeError(
        `dhcp4 option ${code} in ${where}`,
        `truncated: need ${len} bytes, have ${end - dataStart}`,
        at,
      );
    }
    if (code === OPTION_OVERLOAD) {
      // Only the options field may declare overload; a stray 52 inside file/sname is ignored.
      if (where === 'options') overload = readOverload(buf, at, len);
    } else {
      const data = buf.subarray(dataStart, dataStart + len);
      const earlier = options.get(code);
      options.set(code, earlier === undefined ? data : Buffer.concat([earlier, data]));
    }
    at = dataStart + len;
  }
  return overload;
}

function readOverload(buf: Uint8Array, at: number, len: number): number {
  const value = buf[at + 2];
  if (len !== 1 || value === undefined || value < 1 || value > 3) {
    throw new DecodeError('dhcp4 option 52', `length ${len} value ${value}: expected length 1, value 1..3`, at);
  }
  return value;
}

function checkHeader(buf: Uint8Array): void {
  if (buf.length < OFFSET_OPTIONS) {
    throw new DecodeError('dhcp4 header', `truncated: need ${OFFSET_OPTIONS} bytes, have ${buf.length}`, buf.length);
  }
  const op = buf[0] as number;
  if (op !== 1 && op !== 2) throw new DecodeError('dhcp4 header', `op ${op}, expected 1 or 2`, 0);
  if ((buf[2] as number) > CHADDR_LENGTH) throw new DecodeError('dhcp4 header', `hlen ${buf[2]} exceeds 16`, 2);
  const cookie = readU32(buf, OFFSET_COOKIE, 'dhcp4 magic cookie');
  if (cookie !== MAGIC_COOKIE) {
    throw new DecodeError('dhcp4 magic cookie', `0x${cookie.toString(16)}, expected 0x63825363`, OFFSET_COOKIE);
  }
}

export function decodeDhcp4(buf: Uint8Array): Dhcp4Message {
  checkHeader(buf);
  // One copy out of the (reusable) capture or receive buffer, from the pool; chaddr and every option are views of it.
  const own = Buffer.allocUnsafe(buf.length);
  own.set(buf);
  const options: Dhcp4Options = new Map();
  const overload = scanOptions(own, OFFSET_OPTIONS, own.length, options, 'options');
  if (overload & OVERLOAD_FILE) scanOptions(own, OFFSET_FILE, OFFSET_FILE + FILE_LENGTH, options, 'file');
  if (overload & OVERLOAD_SNAME) scanOptions(own, OFFSET_SNAME, OFFSET_SNAME + SNAME_LENGTH, options, 'sname');
  const u16 = (at: number): number => ((own[at] as number) << 8) | (own[at + 1] as number);
  return {
    op: own[0] as BootOp,
    htype: own[1] as number,
    hlen: own[2] as number,
    hops: own[3] as number,
    xid: readU32(own, OFFSET_XID, 'dhcp4 xid'),
    secs: u16(8),
    flags: u16(10),
    ciaddr: readIpv4(own, OFFSET_CIADDR),
    yiaddr: readIpv4(own, OFFSET_CIADDR + 4),
    siaddr: readIpv4(own, OFFSET_CIADDR + 8),
    giaddr: readIpv4(own, OFFSET_CIADDR + 12),
    chaddr: own.subarray(OFFSET_CHADDR, OFFSET_CHADDR + CHADDR_LENGTH),
    sname: overload & OVERLOAD_SNAME ? '' : readNulTerminated(own, OFFSET_SNAME, OFFSET_SNAME + SNAME_LENGTH),
    file: overload & OVERLOAD_FILE ? '' : readNulTerminated(own, OFFSET_FILE, OFFSET_FILE + FILE_LENGTH),
    options,
  };
}

export function encodingLengthDhcp4(msg: Dhcp4Message, opts: EncodeDhcp4Options = {}): number {
  return placeOptions(msg, opts.maxLength).length;
}

function field(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw new RangeError(`${name} ${value} is not in 0..${max}`);
  return value;
}

function writeText(buf: Buffer, offset: number, size: number, name: string, text: string): void {
  if (!isLatin1(text, false) || text.length > size) {
    throw new RangeError(`${name} must be at most ${size} latin1 characters without NUL`);
  }
  buf.write(text, offset, 'latin1');
}

function writeHeader(buf: Buffer, msg: Dhcp4Message): void {
  if (msg.op !== 1 && msg.op !== 2) throw new RangeError(`op ${String(msg.op)} is not 1 or 2`);
  buf[0] = msg.op;
  buf[1] = field('htype', msg.htype, 0xff);
  buf[2] = field('hlen', msg.hlen, CHADDR_LENGTH);
  buf[3] = field('hops', msg.hops, 0xff);
  buf.writeUInt32BE(field('xid', msg.xid, 0xffffffff), OFFSET_XID);
  buf.writeUInt16BE(field('secs', msg.secs, 0xffff), 8);
  buf.writeUInt16BE(field('flags', msg.flags, 0xffff), 10);
  writeIpv4(buf, OFFSET_CIADDR, msg.ciaddr);
  writeIpv4(buf, OFFSET_CIADDR + 4, msg.yiaddr);
  writeIpv4(buf, OFFSET_CIADDR + 8, msg.siaddr);
  writeIpv4(buf, OFFSET_CIADDR + 12, msg.giaddr);
  if (msg.chaddr.length > CHADDR_LENGTH) throw new RangeError(`chaddr of ${msg.chaddr.length} bytes exceeds 16`);
  buf.set(msg.chaddr, OFFSET_CHADDR);
  if (msg.sname !== '') writeText(buf, OFFSET_SNAME, SNAME_LENGTH, 'sname', msg.sname);
  if (msg.file !== '') writeText(buf, OFFSET_FILE, FILE_LENGTH, 'file', msg.file);
  buf.writeUInt32BE(MAGIC_COOKIE, OFFSET_COOKIE);
}

/** Writes `piece` at `at`, split into instances of at most 255 bytes; returns the offset after it. */
function writePiece(buf: Buffer, at: number, piece: Piece): number {
  const { data } = piece;
  if (data.length <= MAX_INSTANCE_DATA) {
    buf[at] = piece.code;
    buf[at + 1] = data.length;
    buf.set(data, at + 2);
    return at + 2 + data.length;
  }
  let offset = at;
  let done = 0;
  do {
    const chunk = Math.min(MAX_INSTANCE_DATA, piece.data.length - done);
    buf[offset] = piece.code;
    buf[offset + 1] = chunk;
    buf.set(piece.data.subarray(done, done + chunk), offset + 2);
    offset += 2 + chunk;
    done += chunk;
  } while (done < piece.data.length);
  return offset;
}

export function encodeDhcp4(msg: Dhcp4Message, opts: EncodeDhcp4Options = {}): Buffer {
  const placement = placeOptions(msg, opts.maxLength);
  // Pooled, then zeroed: the padding and unused header bytes must be 0 (RFC 2131 §2).
  const buf = Buffer.allocUnsafe(placement.length).fill(0);
  writeHeader(buf, msg);
  // Overloaded fields start empty (checked by the placement), so their option areas are written from scratch.
  const next = [OFFSET_OPTIONS, OFFSET_FILE, OFFSET_SNAME];
  if (placement.overload)
    next[Region.Options] = writePiece(buf, OFFSET_OPTIONS, {
      region: Region.Options,
      code: OPTION_OVERLOAD,
      data: Buffer.of(placement.overload),
    });
  for (const piece of placement.pieces) next[piece.region] = writePiece(buf, next[piece.region] as number, piece);
  buf[next[Region.Options] as number] = OPTION_END;
  if (placement.overload & OVERLOAD_FILE) buf[next[Region.File] as number] = OPTION_END;
  if (placement.overload & OVERLOAD_SNAME) buf[next[Region.Sname] as number] = OPTION_END;
  return buf;
}
