import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../../protocol/binary/decode-error.js';
import { decodeDhcp6, encodeDhcp6, encodeDhcp6Into, encodingLengthDhcp6 } from '../../../../protocol/dhcp6/codec.js';
import type { Dhcp6Packet } from '../../../../protocol/dhcp6/message.js';
import { findOption, MessageType6 } from '../../../../protocol/dhcp6/message.js';
import { getOption6, getOptions6 } from '../../../../protocol/dhcp6/options.js';
import type { Codec } from '../../../helpers/round-trip.js';
import { roundTrip } from '../../../helpers/round-trip.js';
import { DHCLIENT_INFO_REQUEST_HEX, informationRequest, richReply, twoRelays } from './samples.js';

const dhcp6: Codec<Dhcp6Packet> = {
  encode: encodeDhcp6,
  decode: decodeDhcp6,
  encodingLength: encodingLengthDhcp6,
};

function decodeError(bytes: Uint8Array): DecodeError {
  try {
    decodeDhcp6(bytes);
  } catch (err) {
    expect(err).toBeInstanceOf(DecodeError);
    return err as DecodeError;
  }
  throw new Error(`expected a DecodeError for ${Buffer.from(bytes).toString('hex')}`);
}

/** Offsets where an option (or the header) ends: a cut there leaves a shorter valid message. */
function boundaries(packet: Dhcp6Packet): Set<number> {
  const header = packet.type === MessageType6.RelayForward || packet.type === MessageType6.RelayReply ? 34 : 4;
  const ends = new Set([header]);
  let at = header;
  for (const option of packet.options) ends.add((at += 4 + option.data.length));
  return ends;
}

describe('decodeDhcp6 / encodeDhcp6', () => {
  it('round-trips a Reply with every option type, repeated codes and an unknown option', () => {
    const bytes = roundTrip(dhcp6, richReply());
    const decoded = decodeDhcp6(bytes);
    expect(findOption(decoded.options, 65000)?.data.toString()).toBe('private option');
    expect(getOptions6(decoded.options, 'ntp-server')).toHaveLength(2);
    expect(getOption6(decoded.options, 'domain-list')).toEqual(['v6.example', 'lab.example', '']);
  });

  it('round-trips Information-request and nested Relay-forward messages', () => {
    roundTrip(dhcp6, informationRequest());
    roundTrip(dhcp6, informationRequest(null));
    const relayed = roundTrip(dhcp6, twoRelays());
    expect([...relayed.subarray(0, 2)]).toEqual([12, 1]);
  });

  it('decodes the dhclient capture: header, DUID-LL client id, ORO, elapsed time; re-encodes it byte for byte', () => {
    const bytes = Buffer.from(DHCLIENT_INFO_REQUEST_HEX, 'hex');
    const msg = decodeDhcp6(bytes);
    expect(msg).toMatchObject({ type: MessageType6.InformationRequest, transactionId: 0x7b23c6 });
    expect(getOption6(msg.options, 'client-id')).toEqual({
      type: 3,
      hardwareType: 1,
      linkLayerAddress: Buffer.from('0ae59400f84e', 'hex'),
    });
    expect(getOption6(msg.options, 'oro')).toEqual([23, 24]);
    expect(getOption6(msg.options, 'elapsed-time')).toBe(0);
    expect(encodeDhcp6(msg).equals(bytes)).toBe(true);
  });

  it('every truncated prefix raises DecodeError, except cuts at an option boundary (the format has no length)', () => {
    for (const packet of [richReply(), twoRelays(), informationRequest()]) {
      const bytes = encodeDhcp6(packet);
      const ends = boundaries(packet);
      for (let cut = 0; cut < bytes.length; cut++) {
        const prefix = bytes.subarray(0, cut);
        if (ends.has(cut)) expect(encodeDhcp6(decodeDhcp6(prefix)).equals(prefix)).toBe(true);
        else decodeError(prefix);
      }
    }
  });

  // A datagram is one message with no length field, so decoding takes the slice; encoding can go at an offset.
  it("encodes into a caller's buffer at an offset without touching its neighbours", () => {
    const bytes = encodeDhcp6(richReply());
    const buf = Buffer.alloc(bytes.length + 12, 0xa5);
    expect(encodeDhcp6Into(richReply(), buf, 7)).toBe(7 + bytes.length);
    expect(buf.subarray(7, 7 + bytes.length).equals(bytes)).toBe(true);
    expect([buf[6], buf[7 + bytes.length]]).toEqual([0xa5, 0xa5]);
    expect(() => encodeDhcp6Into(richReply(), buf, 13)).toThrow(RangeError);
  });

  it('names the option whose length runs past the end', () => {
    const err = decodeError(Buffer.from('0b000001' + '00010010' + '0003', 'hex'));
    expect(err.message).toMatch(/option 1 length 16 runs past the end/);
    expect(err.offset).toBe(6);
  });

  it('decodes unassigned message types in the client/server format, for the policy to drop', () => {
    expect(decodeDhcp6(Buffer.from('ff010203', 'hex'))).toEqual({ type: 255, transactionId: 0x010203, options: [] });
  });

  it('refuses to encode values that do not fit the wire', () => {
    expect(() => encodeDhcp6({ type: 11, transactionId: 0x1000000, options: [] })).toThrow(RangeError);
    expect(() =>
      encodeDhcp6({ type: 11, transactionId: 1, options: [{ code: 1, data: Buffer.alloc(70_000) }] }),
    ).toThrow(RangeError);
    expect(() => encodeDhcp6({ ...twoRelays(), linkAddress: 'not-an-address' })).toThrow(RangeError);
  });
});
