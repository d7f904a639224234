import { parseMessage } from './message-payload';

const MAX = 1_000;
const ID = 'abcdefghij_-KLMNOPQRST';

function box(bytes: number): Buffer {
  return Buffer.alloc(bytes, 0xab);
}

describe('parseMessage', () => {
  it('accepts an id and a binary box, handing back the same Buffer', () => {
    const sealed = box(100);

    const parsed = parseMessage({ id: ID, box: sealed }, MAX);

    expect(parsed).toEqual({ ok: true, id: ID, box: sealed });
    expect(parsed.ok && parsed.box).toBe(sealed);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'hello'],
    ['a number', 7],
    ['an array', [ID, box(100)]],
  ])('refuses %s as the payload with VALIDATION_FAILED', (_label, payload) => {
    expect(parseMessage(payload, MAX)).toEqual({ ok: false, code: 'VALIDATION_FAILED', message: 'The message must be an object { id, box }.' });
  });

  const ID_REFUSAL = { ok: false, code: 'VALIDATION_FAILED', message: 'id must be 16 to 64 characters of A-Z, a-z, 0-9, "_" and "-".' };

  it('refuses a missing id with VALIDATION_FAILED', () => {
    expect(parseMessage({ box: box(100) }, MAX)).toEqual(ID_REFUSAL);
  });

  it('refuses an id that is not a string with VALIDATION_FAILED', () => {
    expect(parseMessage({ id: 1234567890123456, box: box(100) }, MAX)).toEqual(ID_REFUSAL);
  });

  it('refuses an id of 15 characters with VALIDATION_FAILED', () => {
    expect(parseMessage({ id: 'a'.repeat(15), box: box(100) }, MAX)).toEqual(ID_REFUSAL);
  });

  it('accepts an id of 16 characters', () => {
    expect(parseMessage({ id: 'a'.repeat(16), box: box(100) }, MAX).ok).toBe(true);
  });

  it('accepts an id of 64 characters', () => {
    expect(parseMessage({ id: 'a'.repeat(64), box: box(100) }, MAX).ok).toBe(true);
  });

  it('refuses an id of 65 characters with VALIDATION_FAILED', () => {
    expect(parseMessage({ id: 'a'.repeat(65), box: box(100) }, MAX)).toEqual(ID_REFUSAL);
  });

  it.each([
    ['"+"', 'abcdefghijklmno+'],
    ['"/"', 'abcdefghijklmno/'],
    ['"="', 'abcdefghijklmno='],
    ['"."', 'abcdefghijklmno.'],
    ['a space', 'abcdefghijklmno '],
    ['a non-ASCII letter', 'abcdefghijklmnoé'],
    ['a newline at the end', 'abcdefghijklmnop\n'],
  ])('refuses an id with %s with VALIDATION_FAILED', (_label, id) => {
    expect(parseMessage({ id, box: box(100) }, MAX)).toEqual(ID_REFUSAL);
  });

  const BINARY_REFUSAL = { ok: false, code: 'VALIDATION_FAILED', message: 'box must be binary.' };

  it('refuses a missing box with VALIDATION_FAILED', () => {
    expect(parseMessage({ id: ID }, MAX)).toEqual(BINARY_REFUSAL);
  });

  it.each([
    ['a string', 'A'.repeat(100)],
    ['an array of numbers', Array.from({ length: 100 }, () => 1)],
    ['a Buffer look-alike', { type: 'Buffer', data: Array.from({ length: 100 }, () => 1) }],
    ['null', null],
  ])('refuses %s as the box with VALIDATION_FAILED', (_label, notBinary) => {
    expect(parseMessage({ id: ID, box: notBinary }, MAX)).toEqual(BINARY_REFUSAL);
  });

  it('refuses a box of 27 bytes with VALIDATION_FAILED', () => {
    expect(parseMessage({ id: ID, box: box(27) }, MAX)).toEqual({ ok: false, code: 'VALIDATION_FAILED', message: 'box must be at least 28 bytes.' });
  });

  it('refuses an empty box with VALIDATION_FAILED', () => {
    expect(parseMessage({ id: ID, box: box(0) }, MAX)).toEqual({ ok: false, code: 'VALIDATION_FAILED', message: 'box must be at least 28 bytes.' });
  });

  it('accepts a box of 28 bytes', () => {
    expect(parseMessage({ id: ID, box: box(28) }, MAX).ok).toBe(true);
  });

  it('accepts a box of exactly the maximum', () => {
    expect(parseMessage({ id: ID, box: box(MAX) }, MAX).ok).toBe(true);
  });

  it('refuses a box one byte over the maximum with PAYLOAD_TOO_LARGE', () => {
    expect(parseMessage({ id: ID, box: box(MAX + 1) }, MAX)).toEqual({ ok: false, code: 'PAYLOAD_TOO_LARGE', message: 'box must be at most 1000 bytes.' });
  });

  it('accepts a box of 8 MiB and refuses one byte more under the default limit', () => {
    const limit = 8 * 1024 * 1024;

    expect(parseMessage({ id: ID, box: box(limit) }, limit).ok).toBe(true);
    expect(parseMessage({ id: ID, box: box(limit + 1) }, limit)).toMatchObject({ ok: false, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('checks the id before the box', () => {
    expect(parseMessage({ id: 'short', box: 'not binary' }, MAX)).toEqual(ID_REFUSAL);
  });

  it('never echoes the box or the id in its refusals', () => {
    const marker = 'SECRETSECRETSECRETSECRET';
    const refusals = [
      parseMessage({ id: `${marker}!`, box: box(100) }, MAX),
      parseMessage({ id: ID, box: marker }, MAX),
      parseMessage({ id: ID, box: Buffer.from(marker) }, MAX),
      parseMessage({ id: ID, box: Buffer.from(marker.repeat(100)) }, MAX),
    ];

    expect(refusals.every((refusal) => !refusal.ok && !JSON.stringify(refusal).includes(marker))).toBe(true);
  });
});
