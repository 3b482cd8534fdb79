// Where each option goes when a DHCPv4 message is encoded: all in `options`, or, when the client's maximum
// message size (RFC 2132 §9.10) is too small, spilled into `file` then `sname` with option 52 (RFC 2131 §4.1).

import type { Dhcp4Message } from './message.js';
import {
  BOOTP_MIN_LENGTH,
  FILE_LENGTH,
  MAX_INSTANCE_DATA,
  OFFSET_OPTIONS,
  OPTION_END,
  OPTION_OVERLOAD,
  OPTION_PAD,
  optionWireLength,
  OVERLOAD_FILE,
  OVERLOAD_SNAME,
  SNAME_LENGTH,
} from './wire-layout.js';

export const enum Region {
  Options = 0,
  File = 1,
  Sname = 2,
}

/** One option instance: `data` is at most 255 bytes, except in unsplit plans where the writer splits it. */
export interface Piece {
  region: Region;
  code: number;
  data: Buffer;
}

export interface Placement {
  pieces: Piece[];
  /** Option 52 value, 0 when not overloaded. */
  overload: number;
  /** Bytes of the `options` field, including option 52 and End, before padding. */
  optionsLength: number;
  /** The whole message length after padding. */
  length: number;
}

function checkCode(code: number): void {
  if (!Number.isInteger(code) || code <= OPTION_PAD || code >= OPTION_END || code === OPTION_OVERLOAD) {
    throw new RangeError(`option code ${code} cannot be set: 0, 52 and 255 are framing, others must be 1..254`);
  }
}

/** The encoded length with every option inline, without planning: the usual reply fits, and this allocates nothing. */
export function inlineLength(msg: Dhcp4Message): number {
  let optionsLength = 1;
  for (const data of msg.options.values()) optionsLength += optionWireLength(data.length);
  return Math.max(BOOTP_MIN_LENGTH, OFFSET_OPTIONS + optionsLength);
}

/** Everything in `options`, in Map order. */
function placeInline(msg: Dhcp4Message): Placement {
  const pieces: Piece[] = [];
  let optionsLength = 1;
  for (const [code, data] of msg.options) {
    checkCode(code);
    pieces.push({ region: Region.Options, code, data });
    optionsLength += optionWireLength(data.length);
  }
  const length = Math.max(BOOTP_MIN_LENGTH, OFFSET_OPTIONS + optionsLength);
  return { pieces, overload: 0, optionsLength, length };
}

/**
 * Fills `options`, then `file`, then `sname` in Map order, so the decoder's concatenation order (RFC 3396 §6)
 * gives back the same Map. Options of up to 255 bytes move whole to the next field rather than being split,
 * since clients without RFC 3396 support would misread a split one; only longer options are cut anywhere.
 */
function placeOverloaded(msg: Dhcp4Message, limit: number): Placement {
  const capacity = [
    limit - OFFSET_OPTIONS - 3 - 1,
    msg.file === '' ? FILE_LENGTH - 1 : 0,
    msg.sname === '' ? SNAME_LENGTH - 1 : 0,
  ];
  const used = [0, 0, 0];
  const pieces: Piece[] = [];
  let region = 0;
  const advance = (): void => {
    do region++;
    while (region < 3 && capacity[region] === 0);
    if (region >= 3) throw new RangeError(`DHCPv4 message does not fit in ${limit} bytes, even with option overload`);
  };
  for (const [code, data] of msg.options) {
    checkCode(code);
    if (data.length <= MAX_INSTANCE_DATA) {
      while ((used[region] as number) + optionWireLength(data.length) > (capacity[region] as number)) advance();
      pieces.push({ region, code, data });
      used[region] = (used[region] as number) + optionWireLength(data.length);
      continue;
    }
    for (let at = 0; at < data.length;) {
      while ((capacity[region] as number) - (used[region] as number) - 2 < 1) advance();
      const chunk = Math.min(
        MAX_INSTANCE_DATA,
        (capacity[region] as number) - (used[region] as number) - 2,
        data.length - at,
      );
      pieces.push({ region, code, data: data.subarray(at, at + chunk) });
      used[region] = (used[region] as number) + chunk + 2;
      at += chunk;
    }
  }
  const overload = (used[1] ? OVERLOAD_FILE : 0) | (used[2] ? OVERLOAD_SNAME : 0);
  const optionsLength = (used[0] as number) + 1 + (overload ? 3 : 0);
  return { pieces, overload, optionsLength, length: Math.max(BOOTP_MIN_LENGTH, OFFSET_OPTIONS + optionsLength) };
}

/**
 * Plans the options. `maxLength` below the BOOTP minimum is raised to it: RFC 2132 §9.10 makes 576 the
 * smallest legal option 57, and a message is never shrunk below 300 bytes.
 */
export function placeOptions(msg: Dhcp4Message, maxLength?: number): Placement {
  const inline = placeInline(msg);
  if (maxLength === undefined) return inline;
  const limit = Math.max(maxLength, BOOTP_MIN_LENGTH);
  return inline.length <= limit ? inline : placeOverloaded(msg, limit);
}
