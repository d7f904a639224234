import { encodePlaintext } from '../message-header';
import { MessageRejectedError, UnknownKindError } from '../message-rejected-error';
import { framePlaintext } from '../plaintext-frame';
import { decodeEnvelope, E2E_KINDS, encodeEnvelope } from './e2e-envelope';

describe('v2 envelopes', () => {
  it.each(E2E_KINDS)('carry a "%s" body in §3\'s frame, padded to 256 bytes', (kind) => {
    const body = new Uint8Array([1, 2, 3]);
    const plaintext = encodeEnvelope(kind, body);
    expect(plaintext.length % 256).toBe(0);
    expect(decodeEnvelope(plaintext)).toEqual({ kind, body });
  });

  it('refuse a bare v1 text or image: unsigned, it could claim any sender', () => {
    const text = encodePlaintext({ kind: 'text', len: 2 }, new Uint8Array([104, 105]));
    expect(() => decodeEnvelope(text)).toThrow(MessageRejectedError);
    expect(() => decodeEnvelope(text)).not.toThrow(UnknownKindError);
  });

  it('refuse a bare file the same way', () => {
    const file = encodePlaintext({ kind: 'file', len: 1, mime: 'application/pdf', name: 'a.pdf' }, new Uint8Array([37]));
    expect(() => decodeEnvelope(file)).toThrow(MessageRejectedError);
    expect(() => decodeEnvelope(file)).not.toThrow(UnknownKindError);
  });

  it('drop a later version\'s kind silently, and ignore unknown fields', () => {
    expect(() => decodeEnvelope(framePlaintext({ kind: 'poll', len: 0 }, new Uint8Array(0), 1))).toThrow(UnknownKindError);
    expect(decodeEnvelope(framePlaintext({ kind: 'keys', len: 1, extra: true }, new Uint8Array([9]), 1))).toEqual({ kind: 'keys', body: new Uint8Array([9]) });
  });

  it('refuse a length that runs past the end', () => {
    expect(() => decodeEnvelope(framePlaintext({ kind: 'sealed', len: 10 }, new Uint8Array(2), 1))).toThrow(MessageRejectedError);
  });
});
