import { describe, expect, it } from 'vitest';
import { canonicalBytes, parseSecret, signFields, verifyFields } from '../../../../protocol/region/signing.js';
import { SECRET } from './support.js';

const CHANNEL = '{rackd:config}:stream';
const FIELDS = {
  v: '1.0',
  type: 'delete-reservation',
  rev: '42',
  ts: '1700000000000',
  data: '{"mac":"52:54:00:12:34:56"}',
};

describe('canonical form and HMAC (PROTOCOL.md §3)', () => {
  it('matches the known-answer vector in PROTOCOL.md (computed independently with Python hmac)', () => {
    expect(canonicalBytes(CHANNEL, FIELDS).toString('utf8')).toBe(
      'rackd-sig-1\n21:{rackd:config}:stream\ndata=27:{"mac":"52:54:00:12:34:56"}\nrev=2:42\nts=13:1700000000000\n' +
        'type=18:delete-reservation\nv=3:1.0\n',
    );
    expect(signFields(SECRET, CHANNEL, FIELDS)).toBe(
      '7f98dcd2fd6483e8c8ffbdbd99638b153f10b321627f4dc17de3744e4eda82a9',
    );
  });

  it('does not depend on field order and excludes sig', () => {
    const reversed = Object.fromEntries(Object.entries(FIELDS).reverse());
    expect(signFields(SECRET, CHANNEL, reversed)).toBe(signFields(SECRET, CHANNEL, FIELDS));
    expect(signFields(SECRET, CHANNEL, { ...FIELDS, sig: 'whatever' })).toBe(signFields(SECRET, CHANNEL, FIELDS));
  });

  it('counts UTF-8 bytes, not UTF-16 units', () => {
    expect(canonicalBytes('c', { a: 'é' }).toString('utf8')).toBe('rackd-sig-1\n1:c\na=2:é\n');
  });

  it('cannot be fooled by moving a boundary between fields', () => {
    const a = signFields(SECRET, CHANNEL, { a: 'x\nb=1:y', v: '1.0' });
    const b = signFields(SECRET, CHANNEL, { a: 'x', b: 'y', v: '1.0' });
    expect(a).not.toBe(b);
  });

  it('verifies good signatures and refuses bad, missing, other-channel and other-secret ones', () => {
    const sig = signFields(SECRET, CHANNEL, FIELDS);
    expect(verifyFields(SECRET, CHANNEL, { ...FIELDS, sig })).toBe(true);
    expect(verifyFields(SECRET, CHANNEL, FIELDS)).toBe(false);
    expect(verifyFields(SECRET, '{rackd:rack:r2}:rpc', { ...FIELDS, sig })).toBe(false);
    expect(verifyFields(Buffer.from('another secret of 32 bytes......'), CHANNEL, { ...FIELDS, sig })).toBe(false);
    expect(verifyFields(SECRET, CHANNEL, { ...FIELDS, rev: '43', sig })).toBe(false);
    expect(verifyFields(SECRET, CHANNEL, { ...FIELDS, sig: sig.toUpperCase() })).toBe(false);
    expect(verifyFields(SECRET, CHANNEL, { ...FIELDS, sig: sig.slice(0, 62) })).toBe(false);
  });

  it('refuses field names outside the canonical alphabet', () => {
    expect(() => canonicalBytes(CHANNEL, { 'Bad Name': 'x' })).toThrow(/not allowed/);
  });
});

describe('parseSecret', () => {
  it('drops one trailing newline (LF or CRLF) and keeps everything else', () => {
    expect(parseSecret(Buffer.from('0123456789abcdef\n')).toString()).toBe('0123456789abcdef');
    expect(parseSecret(Buffer.from('0123456789abcdef\r\n')).toString()).toBe('0123456789abcdef');
    expect(parseSecret(Buffer.from(' 0123456789abcdef \n\n')).toString()).toBe(' 0123456789abcdef \n');
  });

  it('refuses a short secret, naming the fix', () => {
    expect(() => parseSecret(Buffer.from('short\n'))).toThrow(
      /5 bytes, need at least 16: write e.g. `openssl rand -hex 32`/,
    );
  });
});
