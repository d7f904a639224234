import { MAX_TEXT_CHARS } from '@ciphernest/protocol';
import { actionPlaintext, type ActionContent } from './action-plaintext';
import { readMessage } from './decrypt-message';
import { decodePlaintext, encodePlaintext, type MessageHeader } from './message-header';
import { MessageRejectedError, UnknownKindError } from './message-rejected-error';
import { REACTION_EMOJI } from './reaction-emoji';

const TO = 'msg_0123456789abcdefAB';
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** The JSON header of a framed plaintext, as text. */
function headerText(plaintext: Uint8Array): string {
  const length = new DataView(plaintext.buffer, plaintext.byteOffset).getUint32(0);
  return Buffer.from(plaintext.subarray(4, 4 + length)).toString('utf8');
}

/** A plaintext framed by hand: u32be(header length) || header || body. */
function frame(header: string, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  const bytes = utf8(header);
  const out = new Uint8Array(4 + bytes.length + body.length);
  new DataView(out.buffer).setUint32(0, bytes.length);
  out.set(bytes, 4);
  out.set(body, 4 + bytes.length);
  return out;
}

// docs/protocol.md §3, message actions: these exact headers are what another client must write and read.
describe('actionPlaintext (known answers)', () => {
  it('writes a reply as {"kind":"reply","len":N,"to":id} and its text, padded to 256', () => {
    const plaintext = actionPlaintext({ kind: 'reply', text: 'Grüße', to: TO });
    expect(plaintext).toHaveLength(256);
    const header = `{"kind":"reply","len":7,"to":"${TO}"}`;
    expect(headerText(plaintext)).toBe(header);
    const bodyStart = 4 + header.length;
    expect(Buffer.from(plaintext.subarray(bodyStart, bodyStart + 7)).toString('utf8')).toBe('Grüße');
    expect(plaintext.subarray(bodyStart + 7).every((byte) => byte === 0)).toBe(true);
  });

  it('writes a reaction as {"kind":"reaction","len":0,"to":id,"emoji":e,"on":b} and no body, padded to 256', () => {
    const plaintext = actionPlaintext({ kind: 'reaction', to: TO, emoji: '\u2764\uFE0F', on: false });
    expect(plaintext).toHaveLength(256);
    expect(headerText(plaintext)).toBe(`{"kind":"reaction","len":0,"to":"${TO}","emoji":"\u2764\uFE0F","on":false}`);
  });

  it('writes a delete as {"kind":"delete","len":0,"to":id} and no body, padded to 256', () => {
    const plaintext = actionPlaintext({ kind: 'delete', to: TO });
    expect(plaintext).toHaveLength(256);
    expect(headerText(plaintext)).toBe(`{"kind":"delete","len":0,"to":"${TO}"}`);
  });

  it('fixes the reaction set: six emoji, each with its name, the heart with U+FE0F', () => {
    expect(REACTION_EMOJI.map((reaction) => [...reaction.emoji].map((point) => point.codePointAt(0)?.toString(16)).join(' '))).toEqual([
      '1f44d',
      '2764 fe0f',
      '1f602',
      '1f62e',
      '1f622',
      '1f389',
    ]);
    expect(REACTION_EMOJI.map((reaction) => reaction.name)).toEqual(['thumbs up', 'red heart', 'face with tears of joy', 'face with open mouth', 'crying face', 'party popper']);
  });
});

describe('actionPlaintext and readMessage', () => {
  it.each<ActionContent>([
    { kind: 'reply', text: 'yes, @Ada 👋', to: TO },
    ...REACTION_EMOJI.flatMap(({ emoji }) => [true, false].map((on): ActionContent => ({ kind: 'reaction', to: TO, emoji, on }))),
    { kind: 'delete', to: TO },
  ])('round trips %j', (content) => {
    expect(readMessage(actionPlaintext(content))).toEqual(content);
  });

  it.each<[string, unknown]>([
    ['a reply to a short id', { kind: 'reply', text: 'hi', to: 'short' }],
    ['a reply to an id with a space', { kind: 'reply', text: 'hi', to: 'msg 0123456789abcdefAB' }],
    ['a reply to no id', { kind: 'reply', text: 'hi' }],
    ['a delete of an id of 65 characters', { kind: 'delete', to: 'x'.repeat(65) }],
    ['a delete of a number', { kind: 'delete', to: 1234567890123456 }],
    ['a reaction with an emoji outside the set', { kind: 'reaction', to: TO, emoji: '\u{1F44E}', on: true }],
    ['a reaction with the heart without U+FE0F', { kind: 'reaction', to: TO, emoji: '\u2764', on: true }],
    ['a reaction whose on is a string', { kind: 'reaction', to: TO, emoji: '\u{1F44D}', on: 'true' }],
    ['an unknown action', { kind: 'edit', to: TO }],
  ])('refuses to write %s with TypeError', (_, content) => {
    expect(() => actionPlaintext(content as ActionContent)).toThrow(TypeError);
  });

  it.each(['', ' \n\t'])('refuses a reply whose text is blank (%j), like a text', (text) => {
    expect(() => actionPlaintext({ kind: 'reply', text, to: TO })).toThrow(RangeError);
  });

  it('refuses a reply longer than MAX_TEXT_CHARS, like a text', () => {
    expect(() => actionPlaintext({ kind: 'reply', text: 'x'.repeat(MAX_TEXT_CHARS + 1), to: TO })).toThrow(RangeError);
  });

  it.each<[string, MessageHeader, number]>([
    ['a reaction with a body', { kind: 'reaction', len: 1, to: TO, emoji: '\u{1F44D}', on: true }, 1],
    ['a delete with a body', { kind: 'delete', len: 2, to: TO }, 2],
  ])('refuses to frame %s', (_, header, length) => {
    expect(() => encodePlaintext(header, new Uint8Array(length))).toThrow(TypeError);
  });
});

describe('reading a malformed action', () => {
  it.each<[string, Uint8Array]>([
    ['a reply with no to', frame('{"kind":"reply","len":2}', utf8('hi'))],
    ['a reply to an id of 15 characters', frame('{"kind":"reply","len":2,"to":"abcdefghijklmno"}', utf8('hi'))],
    ['a reply to an id with a slash', frame('{"kind":"reply","len":2,"to":"abcdefghijklmnop/"}', utf8('hi'))],
    ['a reply to a number', frame('{"kind":"reply","len":2,"to":1234567890123456}', utf8('hi'))],
    ['a blank reply', frame(`{"kind":"reply","len":1,"to":"${TO}"}`, utf8(' '))],
    ['a reply that is not UTF-8', frame(`{"kind":"reply","len":1,"to":"${TO}"}`, new Uint8Array([0xff]))],
    ['a reaction with a body', frame(`{"kind":"reaction","len":1,"to":"${TO}","emoji":"\u{1F44D}","on":true}`, utf8('x'))],
    ['a reaction with no on', frame(`{"kind":"reaction","len":0,"to":"${TO}","emoji":"\u{1F44D}"}`)],
    ['a reaction whose on is 1', frame(`{"kind":"reaction","len":0,"to":"${TO}","emoji":"\u{1F44D}","on":1}`)],
    ['a reaction whose emoji is not a string', frame(`{"kind":"reaction","len":0,"to":"${TO}","emoji":7,"on":true}`)],
    ['a reaction with no to', frame('{"kind":"reaction","len":0,"emoji":"\u{1F44D}","on":true}')],
    ['a delete with a body', frame(`{"kind":"delete","len":3,"to":"${TO}"}`, utf8('abc'))],
    ['a delete whose to is an array', frame(`{"kind":"delete","len":0,"to":["${TO}"]}`)],
  ])('rejects %s with MessageRejectedError', (_, plaintext) => {
    expect(() => readMessage(plaintext)).toThrow(MessageRejectedError);
    expect(() => readMessage(plaintext)).not.toThrow(UnknownKindError);
  });

  it('drops a reaction with an emoji outside the set silently (UnknownKindError): a later version may add emoji', () => {
    expect(() => readMessage(frame(`{"kind":"reaction","len":0,"to":"${TO}","emoji":"\u{1F44E}","on":true}`))).toThrow(UnknownKindError);
  });

  it('ignores fields it does not know on an action, and returns the known ones only', () => {
    const { header } = decodePlaintext(frame(`{"kind":"delete","len":0,"to":"${TO}","reason":"typo","__proto__":{"x":1}}`));
    expect(header).toEqual({ kind: 'delete', len: 0, to: TO });
    expect(Object.getPrototypeOf(header)).toBe(Object.prototype);
    expect(readMessage(frame(`{"kind":"reaction","len":0,"to":"${TO}","emoji":"\u{1F389}","on":true,"skin":"dark"}`))).toEqual({
      kind: 'reaction',
      to: TO,
      emoji: '\u{1F389}',
      on: true,
    });
  });
});
