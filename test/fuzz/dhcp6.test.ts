// Fuzzes the DHCPv6 codec and policy with 300,000 random and mutated datagrams (the samples and the dhclient
// capture as seeds): decoding may only throw DecodeError, what decodes re-encodes byte for byte (the format
// has no padding), every known option decodes or throws DecodeError, and the policy never throws or errs.

import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../protocol/binary/decode-error.js';
import { decodeDhcp6, encodeDhcp6 } from '../../protocol/dhcp6/codec.js';
import type { Dhcp6Packet } from '../../protocol/dhcp6/message.js';
import { DHCP6_OPTIONS } from '../../protocol/dhcp6/option-table.js';
import type { Dhcp6OptionName } from '../../protocol/dhcp6/option-table.js';
import { getOptions6 } from '../../protocol/dhcp6/options.js';
import { handleDhcp6 } from '../../agent/dhcp6/policy.js';
import { buildDhcp6ServingConfig } from '../../agent/dhcp6/serving-config.js';
import type { Prng } from '../helpers/prng.js';
import { fuzzSeed, prng } from '../helpers/prng.js';
import {
  DHCLIENT_INFO_REQUEST_HEX,
  SERVER_DUID,
  informationRequest,
  richReply,
  twoRelays,
} from '../unit/protocol/dhcp6/samples.js';

const ITERATIONS = 300_000;
const CONFIG = buildDhcp6ServingConfig(
  {
    subnets: [
      {
        cidr: '2001:db8:22::/64',
        dns_servers: ['2001:db8:22::53'],
        search: ['relay.example'],
        ntp_servers: ['2001:db8::123'],
      },
    ],
    reservations: [],
  },
  SERVER_DUID,
);
const ARRIVAL = {
  iface: {
    name: 'rk0',
    index: 2,
    mac: '02:00:00:00:00:01',
    up: true,
    addresses: [{ family: 6 as const, address: '2001:db8:22::1', prefixLength: 64 }],
  },
  srcAddress: 'fe80::1',
};
const NAMES = Object.keys(DHCP6_OPTIONS) as Dhcp6OptionName[];

function seeds(): Buffer[] {
  const solicit = {
    type: 1,
    transactionId: 5,
    options: [...informationRequest().options, { code: 3, data: Buffer.alloc(12) }],
  };
  return [
    Buffer.from(DHCLIENT_INFO_REQUEST_HEX, 'hex'),
    encodeDhcp6(informationRequest()),
    encodeDhcp6(richReply()),
    encodeDhcp6(twoRelays()),
    encodeDhcp6(solicit),
  ];
}

function randomBytes(rng: Prng, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) buf[i] = rng.byte();
  return buf;
}

/** One to four of: bit flip, byte set, truncation, a 16-bit length field set to an extreme, option insertion. */
function mutate(rng: Prng, seed: Buffer): Buffer {
  let buf: Buffer = Buffer.from(seed);
  for (let round = 1 + rng.int(4); round > 0; round--) {
    const kind = rng.int(5);
    if (kind === 0 && buf.length > 0) {
      const at = rng.int(buf.length);
      buf[at] = (buf[at] as number) ^ (1 << rng.int(8));
    } else if (kind === 1 && buf.length > 0) buf[rng.int(buf.length)] = rng.byte();
    else if (kind === 2) buf = buf.subarray(0, rng.int(buf.length + 1));
    else if (kind === 3 && buf.length > 6)
      buf.writeUInt16BE([0, 1, 2, 16, 0xffff, rng.int(0x10000)][rng.int(6)] as number, rng.int(buf.length - 1));
    else if (kind === 4) {
      const code = [1, 2, 3, 6, 9, 13, 18, 23, 24, 25, 56, rng.int(0x10000)][rng.int(12)] as number;
      const data = randomBytes(rng, rng.int(40));
      const opt = Buffer.alloc(4 + data.length);
      opt.writeUInt16BE(code, 0);
      opt.writeUInt16BE(data.length, 2);
      data.copy(opt, 4);
      const at = Math.min(buf.length, 4 + rng.int(Math.max(1, buf.length)));
      buf = Buffer.concat([buf.subarray(0, at), opt, buf.subarray(at)]);
    }
  }
  return buf;
}

function exercise(input: Buffer): 'decoded' | 'rejected' {
  let packet: Dhcp6Packet;
  try {
    packet = decodeDhcp6(input);
  } catch (err) {
    if (err instanceof DecodeError) return 'rejected';
    throw err;
  }
  if (!encodeDhcp6(packet).equals(input)) throw new Error('re-encoding changed the bytes');
  for (const name of NAMES) {
    try {
      getOptions6(packet.options, name);
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
    }
  }
  const decision = handleDhcp6(packet, ARRIVAL, CONFIG);
  if (decision.kind === 'ignore' && decision.reason === 'internal-error')
    throw new Error(`policy error: ${decision.detail}`);
  if (decision.kind === 'reply') decodeDhcp6(encodeDhcp6(decision.reply));
  return 'decoded';
}

describe('fuzz DHCPv6 codec and policy', () => {
  it(
    `${ITERATIONS.toLocaleString('en')} random and mutated datagrams: only DecodeError, exact re-encode, ` +
      `policy never fails`,
    () => {
      const seed = fuzzSeed();
      const rng = prng(seed);
      const corpus = seeds();
      const counts = { decoded: 0, rejected: 0 };
      let input: Buffer = Buffer.alloc(0);
      try {
        for (let i = 0; i < ITERATIONS; i++) {
          input =
            rng.int(10) === 0 ? randomBytes(rng, rng.int(200)) : mutate(rng, corpus[rng.int(corpus.length)] as Buffer);
          counts[exercise(input)]++;
        }
      } catch (err) {
        console.error(`fuzz dhcp6 failed with FUZZ_SEED=${seed} on input ${input.toString('hex')}`);
        throw err;
      }
      expect(counts.decoded).toBeGreaterThan(30_000);
      expect(counts.rejected).toBeGreaterThan(30_000);
    },
  );
});
