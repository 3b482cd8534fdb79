// Classic libpcap file format (pcap-savefile(5)): a 24-byte global header, then a 16-byte record header
// per frame. Enough to hand frames to tshark or tcpdump; reused by any test that needs a capture file.

import { writeFileSync } from 'node:fs';

export const LINKTYPE_ETHERNET = 1;

export function encodePcap(frames: readonly Uint8Array[], linkType = LINKTYPE_ETHERNET): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeInt32LE(0, 8);
  header.writeUInt32LE(0, 12);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(linkType, 20);
  const parts: Buffer[] = [header];
  frames.forEach((frame, i) => {
    const record = Buffer.alloc(16);
    record.writeUInt32LE(1_700_000_000 + i, 0);
    record.writeUInt32LE(0, 4);
    record.writeUInt32LE(frame.length, 8);
    record.writeUInt32LE(frame.length, 12);
    parts.push(record, Buffer.from(frame));
  });
  return Buffer.concat(parts);
}

export function writePcapFile(path: string, frames: readonly Uint8Array[], linkType = LINKTYPE_ETHERNET): void {
  writeFileSync(path, encodePcap(frames, linkType));
}

/** Frames of a classic little-endian microsecond pcap file (what tcpdump -w writes). */
export function decodePcap(file: Uint8Array): Buffer[] {
  const buf = Buffer.from(file);
  if (buf.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error('not a little-endian microsecond pcap file');
  const frames: Buffer[] = [];
  for (let at = 24; at + 16 <= buf.length;) {
    const length = buf.readUInt32LE(at + 8);
    frames.push(buf.subarray(at + 16, at + 16 + length));
    at += 16 + length;
  }
  return frames;
}
