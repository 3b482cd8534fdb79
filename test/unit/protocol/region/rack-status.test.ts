import { describe, expect, it } from 'vitest';
import { rackKeys } from '../../../../protocol/region/keys.js';
import { decodeRackStatus, encodeRackStatus } from '../../../../protocol/region/rack-status.js';
import type { RackStatus } from '../../../../protocol/region/rack-status.js';
import { SECRET, resign, toRecord } from './support.js';

const KEY = rackKeys('r1').status;
const STATUS: RackStatus = {
  rack: 'r1',
  state: 'live',
  revision: 0,
  version: '0.1.0',
  started: 1_700_000_000_000,
  time: 1_700_000_010_000,
};

describe('rack status hash (PROTOCOL.md §7)', () => {
  it('round-trips, revision 0 included', () => {
    const flat = encodeRackStatus(STATUS, SECRET, KEY);
    expect(decodeRackStatus(toRecord(flat), SECRET, KEY)).toEqual({ ok: true, value: STATUS });
  });

  it("refuses a status copied to another rack's key, and invalid fields by name", () => {
    const flat = encodeRackStatus(STATUS, SECRET, KEY);
    expect(decodeRackStatus(flat, SECRET, rackKeys('r2').status)).toMatchObject({ ok: false, kind: 'bad-signature' });
    expect(decodeRackStatus(resign(flat, { state: 'sleeping' }, KEY), SECRET, KEY)).toMatchObject({
      ok: false,
      field: 'state',
    });
    expect(decodeRackStatus(resign(flat, { revision: '-1' }, KEY), SECRET, KEY)).toMatchObject({
      ok: false,
      field: 'revision',
    });
  });
});
