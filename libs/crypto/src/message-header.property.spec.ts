import { MESSAGE_ID_PATTERN } from '@ciphernest/protocol';
import fc from 'fast-check';
import { decryptMessage } from './decrypt-message';
import { encryptText } from './encrypt-text';
import { isFileMime, isFileName } from './file-header-rules';
import { type ActionHeader, DEFAULT_PAD_TO, decodePlaintext, encodePlaintext, IMAGE_MIMES, MAX_HEADER_BYTES, type MessageHeader } from './message-header';
import { MessageRejectedError } from './message-rejected-error';
import { REACTION_EMOJI } from './reaction-emoji';
import { roomKeysFromMaster } from './room-keys';
import { open, seal, type MessageContext } from './seal';

// docs/protocol.md §3 framing as properties: every header and body round trips, padding is always a
// multiple of the pad size and zero, and no byte sequence makes the decoder fail in any other
// way than MessageRejectedError (a receiver drops such a message and carries on).

const U32_BYTES = 4;
const MAX_DIMENSION = 2 ** 31 - 1;

const body = fc.uint8Array({ maxLength: 1_500 });
const padTo = fc.oneof(fc.constant(DEFAULT_PAD_TO), fc.integer({ min: 1, max: 1_024 }));

const imageHeader: fc.Arbitrary<MessageHeader & { kind: 'image' }> = fc.record(
  {
    kind: fc.constant('image' as const),
    len: fc.constant(0),
    mime: fc.constantFrom(...IMAGE_MIMES),
    name: fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 100 }), fc.constant(undefined)),
    width: fc.option(fc.integer({ min: 1, max: MAX_DIMENSION }), { nil: undefined }),
    height: fc.option(fc.integer({ min: 1, max: MAX_DIMENSION }), { nil: undefined }),
  },
  { requiredKeys: ['kind', 'len', 'mime'] },
);

const mimePart = fc.stringMatching(/^[a-z0-9][a-z0-9!#$&^_.+-]{0,40}$/);
const fileHeader: fc.Arbitrary<MessageHeader & { kind: 'file' }> = fc.record({
  kind: fc.constant('file' as const),
  len: fc.constant(0),
  mime: fc.tuple(mimePart, mimePart).map(([type, subtype]) => `${type}/${subtype}`),
  name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 120 }).filter(isFileName),
});

const messageId = fc.stringMatching(/^[A-Za-z0-9_-]{16,64}$/);
const reactionEmoji = fc.constantFrom(...REACTION_EMOJI.map((reaction) => reaction.emoji));

/** A reply (`len` set by the caller), a reaction or a delete (`len` 0), with every field valid. */
const actionHeader: fc.Arbitrary<ActionHeader> = fc.oneof(
  messageId.map((to): ActionHeader => ({ kind: 'reply', len: 0, to })),
  fc.tuple(messageId, reactionEmoji, fc.boolean()).map(([to, emoji, on]): ActionHeader => ({ kind: 'reaction', len: 0, to, emoji, on })),
  messageId.map((to): ActionHeader => ({ kind: 'delete', len: 0, to })),
);

const ACTION_FIELDS: Readonly<Record<ActionHeader['kind'], readonly string[]>> = {
  reply: ['kind', 'len', 'to'],
  reaction: ['kind', 'len', 'to', 'emoji', 'on'],
  delete: ['kind', 'len', 'to'],
};

/** The header as encodePlaintext writes it: known fields in a fixed order, undefined ones left out. */
function canonical(header: MessageHeader): MessageHeader {
  if (header.kind === 'text') return { kind: 'text', len: header.len };
  if (header.kind === 'file') return { kind: 'file', len: header.len, mime: header.mime, name: header.name };
  if (header.kind === 'reply' || header.kind === 'delete') return { kind: header.kind, len: header.len, to: header.to };
  if (header.kind === 'reaction') return { kind: 'reaction', len: header.len, to: header.to, emoji: header.emoji, on: header.on };
  const out: MessageHeader = { kind: 'image', len: header.len, mime: header.mime };
  if (header.name !== undefined) out.name = header.name;
  if (header.width !== undefined) out.width = header.width;
  if (header.height !== undefined) out.height = header.height;
  return out;
}

/** Encodes with padding to `pad`, decodes, and expects the canonical header and the same body back. */
function expectRoundTrip(header: MessageHeader, bytes: Uint8Array, pad: number): void {
  const plaintext = encodePlaintext(header, bytes, pad);
  expect(plaintext.length % pad).toBe(0);
  const decoded = decodePlaintext(plaintext);
  expect(decoded.header).toEqual(canonical(header));
  expect(Buffer.from(decoded.body).equals(Buffer.from(bytes))).toBe(true);
}

function headerBytesOf(header: MessageHeader): number {
  return new TextEncoder().encode(JSON.stringify(canonical(header))).length;
}

/** decodePlaintext's contract on hostile input: a result, or MessageRejectedError and nothing else. */
function decodeOrReject(plaintext: Uint8Array): ReturnType<typeof decodePlaintext> | MessageRejectedError {
  try {
    return decodePlaintext(plaintext);
  } catch (error) {
    if (error instanceof MessageRejectedError) return error;
    throw new Error(`decodePlaintext threw ${String(error)} (not a MessageRejectedError)`);
  }
}

/** What a decoded header must be whatever the input: a header of a known kind, of known fields only. */
function expectWellFormed(decoded: ReturnType<typeof decodePlaintext>, plaintext: Uint8Array): void {
  const { header, body: decodedBody } = decoded;
  expect(decodedBody.length).toBe(header.len);
  expect(Number.isSafeInteger(header.len) && header.len >= 0).toBe(true);
  if (header.kind === 'text') {
    expect(Object.keys(header)).toEqual(['kind', 'len']);
  } else if (header.kind === 'file') {
    expect(Object.keys(header)).toEqual(['kind', 'len', 'mime', 'name']);
    expect(isFileMime(header.mime) && isFileName(header.name)).toBe(true);
  } else if (header.kind !== 'image') {
    expect(Object.keys(header)).toEqual(ACTION_FIELDS[header.kind]);
    expect(MESSAGE_ID_PATTERN.test(header.to)).toBe(true);
    if (header.kind !== 'reply') expect(header.len).toBe(0);
    if (header.kind === 'reaction') {
      expect(REACTION_EMOJI.map((reaction) => reaction.emoji)).toContain(header.emoji);
      expect(typeof header.on).toBe('boolean');
    }
  } else {
    expect(header.kind).toBe('image');
    expect(IMAGE_MIMES).toContain(header.mime);
    expect(Object.keys(header).every((key) => ['kind', 'len', 'mime', 'name', 'width', 'height'].includes(key))).toBe(true);
    for (const dimension of [header.width, header.height]) {
      if (dimension !== undefined) expect(Number.isInteger(dimension) && dimension >= 1 && dimension <= MAX_DIMENSION).toBe(true);
    }
    if (header.name !== undefined) expect(typeof header.name).toBe('string');
  }
  expect(Object.getPrototypeOf(header)).toBe(Object.prototype);
  const headerLength = new DataView(plaintext.buffer, plaintext.byteOffset).getUint32(0);
  expect(Buffer.from(decodedBody).equals(Buffer.from(plaintext.subarray(U32_BYTES + headerLength, U32_BYTES + headerLength + header.len)))).toBe(true);
}

/** u32be(declared) || header text || rest, as a misbehaving sender could frame it. */
function frame(headerText: string, rest: Uint8Array, declared?: number): Uint8Array {
  const header = new TextEncoder().encode(headerText);
  const out = new Uint8Array(U32_BYTES + header.length + rest.length);
  new DataView(out.buffer).setUint32(0, declared ?? header.length);
  out.set(header, U32_BYTES);
  out.set(rest, U32_BYTES + header.length);
  return out;
}

/** JSON object text from key/value pairs, so keys like `__proto__` really appear in the text. */
function objectText(entries: [string, unknown][]): string {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`).join(',')}}`;
}

const headerKey = fc.oneof(
  { arbitrary: fc.constantFrom('kind', 'len', 'mime', 'name', 'width', 'height', 'to', 'emoji', 'on'), weight: 6 },
  { arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf'), weight: 2 },
  { arbitrary: fc.string({ maxLength: 8 }), weight: 1 },
);
const headerValue = fc.oneof(
  fc.constantFrom('text', 'image', 'file', 'reply', 'reaction', 'delete', ...IMAGE_MIMES, 'image/svg+xml', 'application/pdf', 'a.pdf', '../a', 'a\u0000', 0, 1, -1, 1.5, 2 ** 31, 2 ** 53, 1e308, null, true, '', [], {}),
  fc.constantFrom(...REACTION_EMOJI.map((reaction) => reaction.emoji), '\u2764', '\u{1F44E}', 'msg_0123456789abcdefAB', 'short', 'x'.repeat(65), 'msg 0123456789abcdefAB'),
  fc.jsonValue({ maxDepth: 2 }),
);
const hostileHeaderText = fc.oneof(
  fc.array(fc.tuple(headerKey, headerValue), { maxLength: 8 }).map(objectText),
  fc.tuple(fc.constantFrom('text', 'image', 'file'), fc.nat(2_000), fc.array(fc.tuple(headerKey, headerValue), { maxLength: 4 })).map(([kind, len, extra]) =>
    objectText([['kind', kind], ['len', len], ...(kind === 'text' ? [] : [['mime', kind === 'image' ? 'image/png' : 'application/pdf'] as [string, unknown]]), ...(kind === 'file' ? [['name', 'a.pdf'] as [string, unknown]] : []), ...extra]),
  ),
  fc.tuple(fc.constantFrom('reply', 'reaction', 'delete'), fc.constantFrom(0, 0, 2, 5), fc.array(fc.tuple(headerKey, headerValue), { maxLength: 4 })).map(([kind, len, extra]) =>
    objectText([['kind', kind], ['len', len], ['to', 'msg_0123456789abcdefAB'], ...(kind === 'reaction' ? [['emoji', REACTION_EMOJI[0].emoji] as [string, unknown], ['on', true] as [string, unknown]] : []), ...extra]),
  ),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? 'null'),
  fc.string({ unit: 'binary', maxLength: 60 }),
);

describe('encodePlaintext and decodePlaintext', () => {
  it('round trip any text body, padded with zeros to a multiple of padTo', () => {
    fc.assert(
      fc.property(body, padTo, (bytes, pad) => {
        const header: MessageHeader = { kind: 'text', len: bytes.length };
        const plaintext = encodePlaintext(header, bytes, pad);
        const used = U32_BYTES + headerBytesOf(header) + bytes.length;
        expect(plaintext.length % pad).toBe(0);
        expect(plaintext.length).toBeGreaterThanOrEqual(used);
        expect(plaintext.length - used).toBeLessThan(pad);
        expect(plaintext.subarray(used).every((byte) => byte === 0)).toBe(true);
        const decoded = decodePlaintext(plaintext);
        expect(decoded.header).toEqual(header);
        expect(Buffer.from(decoded.body).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });

  it('round trip any image header and body, or refuse a header over MAX_HEADER_BYTES with RangeError', () => {
    fc.assert(
      fc.property(imageHeader, body, padTo, (partial, bytes, pad) => {
        const header: MessageHeader = { ...partial, len: bytes.length };
        if (headerBytesOf(header) > MAX_HEADER_BYTES) {
          expect(() => encodePlaintext(header, bytes, pad)).toThrow(RangeError);
          return;
        }
        expectRoundTrip(header, bytes, pad);
      }),
      { numRuns: 1_000 },
    );
  });

  it('round trip any file header and body', () => {
    fc.assert(
      fc.property(fileHeader, body, padTo, (partial, bytes, pad) => {
        const header: MessageHeader = { ...partial, len: bytes.length };
        expectRoundTrip(header, bytes, pad);
      }),
      { numRuns: 500 },
    );
  });

  it('round trip any reply, reaction or delete header (no body but a reply\'s), or refuse a body on a reaction or a delete', () => {
    fc.assert(
      fc.property(actionHeader, body, padTo, (partial, bytes, pad) => {
        if (partial.kind !== 'reply' && bytes.length > 0) {
          expect(() => encodePlaintext({ ...partial, len: bytes.length }, bytes, pad)).toThrow(TypeError);
          return;
        }
        const header: MessageHeader = { ...partial, len: bytes.length };
        expectRoundTrip(header, bytes, pad);
      }),
      { numRuns: 1_000 },
    );
  });

  it('re-encodes a decoded plaintext to the same bytes (the framing is canonical)', () => {
    fc.assert(
      fc.property(fc.oneof(imageHeader, fileHeader, actionHeader, fc.constant<MessageHeader>({ kind: 'text', len: 0 })), body, (partial, bytes) => {
        const header: MessageHeader = { ...partial, len: partial.kind === 'reaction' || partial.kind === 'delete' ? 0 : bytes.length };
        if (header.len === 0) bytes = new Uint8Array(0);
        fc.pre(headerBytesOf(header) <= MAX_HEADER_BYTES);
        const plaintext = encodePlaintext(header, bytes);
        const { header: decodedHeader, body: decodedBody } = decodePlaintext(plaintext);
        expect(Buffer.from(encodePlaintext(decodedHeader, decodedBody)).equals(Buffer.from(plaintext))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('decodes any byte sequence to a well-formed message or MessageRejectedError, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const decoded = decodeOrReject(bytes);
        if (!(decoded instanceof MessageRejectedError)) expectWellFormed(decoded, bytes);
      }),
      { numRuns: 3_000 },
    );
  });

  it('decodes any header text, declared length and trailing bytes to a well-formed message or MessageRejectedError', () => {
    const declared = fc.oneof(fc.constant(undefined), fc.nat(8_192), fc.constantFrom(0, 1, MAX_HEADER_BYTES, MAX_HEADER_BYTES + 1, 0xffffffff));
    fc.assert(
      fc.property(hostileHeaderText, fc.uint8Array({ maxLength: 2_100 }), declared, (headerText, rest, length) => {
        const plaintext = frame(headerText, rest, length);
        const decoded = decodeOrReject(plaintext);
        if (!(decoded instanceof MessageRejectedError)) expectWellFormed(decoded, plaintext);
      }),
      { numRuns: 3_000 },
    );
  });

  it('ignores a header field named __proto__, constructor or anything unknown: the header holds its known fields only', () => {
    fc.assert(
      fc.property(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'extra'), fc.jsonValue({ maxDepth: 1 }), (key, value) => {
        const plaintext = frame(objectText([['kind', 'text'], ['len', 0], [key, value]]), new Uint8Array(0));
        const { header } = decodePlaintext(plaintext);
        expect(header).toEqual({ kind: 'text', len: 0 });
        expect(Object.getPrototypeOf(header)).toBe(Object.prototype);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes any truncation or one-byte change of a valid plaintext to a well-formed message or MessageRejectedError', () => {
    fc.assert(
      fc.property(imageHeader, body, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean(), (partial, bytes, where, value, truncate) => {
        const header: MessageHeader = { ...partial, len: bytes.length };
        fc.pre(headerBytesOf(header) <= MAX_HEADER_BYTES);
        const plaintext = encodePlaintext(header, bytes);
        const damaged = truncate ? plaintext.slice(0, where % plaintext.length) : plaintext.slice();
        if (!truncate) damaged[where % damaged.length] = value;
        const decoded = decodeOrReject(damaged);
        if (!(decoded instanceof MessageRejectedError)) expectWellFormed(decoded, damaged);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('seal, open and decryptMessage', () => {
  const idArbitrary = fc.stringMatching(/^[A-Za-z0-9_-]{16,64}$/);
  const nameArbitrary = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 32 }).filter((name) => !name.includes('/'));
  const context: fc.Arbitrary<MessageContext> = fc.record({ roomKey: nameArbitrary, from: nameArbitrary, id: idArbitrary });
  let encKey: CryptoKey;
  let otherKey: CryptoKey;

  beforeAll(async () => {
    encKey = (await roomKeysFromMaster(new Uint8Array(32).fill(42), 'lobby')).encKey;
    otherKey = (await roomKeysFromMaster(new Uint8Array(32).fill(43), 'lobby')).encKey;
  });

  it('open(seal(p)) is p for any plaintext and context; any other context, key or changed byte is refused', async () => {
    await fc.assert(
      fc.asyncProperty(context, context, fc.uint8Array({ maxLength: 700 }), fc.nat(), async (ctx, other, plaintext, where) => {
        const box = await seal(encKey, ctx, plaintext);
        expect(box.length).toBe(12 + plaintext.length + 16);
        expect(Buffer.from(await open(encKey, ctx, box)).equals(Buffer.from(plaintext))).toBe(true);
        await expect(open(otherKey, ctx, box)).rejects.toThrow(MessageRejectedError);
        if (other.roomKey !== ctx.roomKey || other.from !== ctx.from || other.id !== ctx.id) {
          await expect(open(encKey, other, box)).rejects.toThrow(MessageRejectedError);
        }
        const tampered = box.slice();
        tampered[where % tampered.length] ^= 0x01;
        await expect(open(encKey, ctx, tampered)).rejects.toThrow(MessageRejectedError);
      }),
      { numRuns: 200 },
    );
  });

  // A text must hold something besides white space (docs/protocol.md §3); blank ones are refused below.
  const sendableText = fc
    .oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }))
    .filter((text) => text.trim() !== '');

  it('encryptText refuses every blank text', async () => {
    const blank = fc.array(fc.constantFrom(' ', '\t', '\n', '\r', '\u00a0', '\u3000', '\ufeff'), { minLength: 1, maxLength: 20 }).map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(context, blank, async (ctx, text) => {
        await expect(encryptText(encKey, ctx, text)).rejects.toThrow(RangeError);
      }),
      { numRuns: 100 },
    );
  });

  it('encryptText then decryptMessage gives the text back (lone surrogates as U+FFFD), padded to 256 bytes', async () => {
    await fc.assert(
      fc.asyncProperty(context, sendableText, async (ctx, text) => {
        const box = await encryptText(encKey, ctx, text);
        expect((box.length - 28) % DEFAULT_PAD_TO).toBe(0);
        const expected = new TextDecoder().decode(new TextEncoder().encode(text));
        expect(await decryptMessage(encKey, ctx, box)).toEqual({ kind: 'text', text: expected });
      }),
      { numRuns: 200 },
    );
  });

  it('rejects any box that was not sealed under the key with MessageRejectedError only', async () => {
    await fc.assert(
      fc.asyncProperty(context, fc.oneof(fc.uint8Array({ maxLength: 400 }), fc.constant(new Uint8Array(0))), async (ctx, box) => {
        await expect(decryptMessage(encKey, ctx, box)).rejects.toThrow(MessageRejectedError);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects any sealed but malformed plaintext with MessageRejectedError only', async () => {
    await fc.assert(
      fc.asyncProperty(context, hostileHeaderText, fc.uint8Array({ maxLength: 300 }), async (ctx, headerText, rest) => {
        const box = await seal(encKey, ctx, frame(headerText, rest));
        try {
          const message = await decryptMessage(encKey, ctx, box);
          expect(['text', 'image', 'file']).toContain(message.kind);
        } catch (error) {
          expect(error).toBeInstanceOf(MessageRejectedError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
