import { decodePlaintext, encodePlaintext, MAX_HEADER_BYTES, type MessageHeader } from './message-header';
import { MessageRejectedError, UnknownKindError } from './message-rejected-error';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A plaintext framed by hand: u32be(declared header length) || header || rest. */
function frame(header: string | Uint8Array, rest: Uint8Array = new Uint8Array(0), declaredLength?: number): Uint8Array {
  const headerBytes = typeof header === 'string' ? utf8(header) : header;
  const out = new Uint8Array(4 + headerBytes.length + rest.length);
  new DataView(out.buffer).setUint32(0, declaredLength ?? headerBytes.length);
  out.set(headerBytes, 4);
  out.set(rest, 4 + headerBytes.length);
  return out;
}

describe('encodePlaintext', () => {
  it('writes u32be(header length) || JSON header || body || zero padding to 256', () => {
    const body = utf8('héllo');
    const plaintext = encodePlaintext({ kind: 'text', len: body.length }, body);
    const header = '{"kind":"text","len":6}';
    expect(plaintext).toHaveLength(256);
    expect(new DataView(plaintext.buffer).getUint32(0)).toBe(header.length);
    expect(Buffer.from(plaintext.subarray(4, 4 + header.length)).toString('utf8')).toBe(header);
    expect(plaintext.subarray(4 + header.length, 4 + header.length + 6)).toEqual(body);
    expect(plaintext.subarray(4 + header.length + 6).every((byte) => byte === 0)).toBe(true);
  });

  // The header {"kind":"text","len":N} takes 22 bytes plus N's digits.
  it.each([
    [0, 256],
    [1, 256],
    [227, 256],
    [228, 512],
    [1000, 1280],
  ])('pads a %i-byte text body to %i bytes', (length, expected) => {
    expect(encodePlaintext({ kind: 'text', len: length }, new Uint8Array(length))).toHaveLength(expected);
  });

  it('pads to another multiple, or not at all with padTo 1', () => {
    expect(encodePlaintext({ kind: 'text', len: 3 }, utf8('abc'), 64)).toHaveLength(64);
    expect(encodePlaintext({ kind: 'text', len: 3 }, utf8('abc'), 1)).toHaveLength(4 + 23 + 3);
  });

  it('writes the header fields in a fixed order and leaves out undefined ones', () => {
    const header: MessageHeader = { height: 2, kind: 'image', len: 1, name: undefined, mime: 'image/png', width: 3 };
    const plaintext = encodePlaintext(header, new Uint8Array(1));
    const length = new DataView(plaintext.buffer).getUint32(0);
    expect(Buffer.from(plaintext.subarray(4, 4 + length)).toString('utf8')).toBe('{"kind":"image","len":1,"mime":"image/png","width":3,"height":2}');
  });

  it('refuses a len that is not the body length', () => {
    expect(() => encodePlaintext({ kind: 'text', len: 2 }, utf8('abc'))).toThrow(RangeError);
  });

  it.each<[string, unknown]>([
    ['an unknown kind', { kind: 'video', len: 0 }],
    ['an unknown mime', { kind: 'image', len: 0, mime: 'image/svg+xml' }],
    ['a width of 0', { kind: 'image', len: 0, mime: 'image/png', width: 0 }],
    ['a fractional height', { kind: 'image', len: 0, mime: 'image/png', height: 1.5 }],
    ['a name that is not a string', { kind: 'image', len: 0, mime: 'image/png', name: 7 }],
    ['an unknown field', { kind: 'text', len: 0, secret: 'leak' }],
    ['a file with an invalid mime', { kind: 'file', len: 0, mime: 'pdf', name: 'a.pdf' }],
    ['a file with a slash in its name', { kind: 'file', len: 0, mime: 'application/pdf', name: 'a/b.pdf' }],
    ['a file with a width', { kind: 'file', len: 0, mime: 'application/pdf', name: 'a.pdf', width: 3 }],
  ])('refuses a header with %s', (_, header) => {
    expect(() => encodePlaintext(header as MessageHeader, new Uint8Array(0))).toThrow(TypeError);
  });

  it('refuses a header over MAX_HEADER_BYTES', () => {
    const header: MessageHeader = { kind: 'image', len: 0, mime: 'image/png', name: 'x'.repeat(MAX_HEADER_BYTES) };
    expect(() => encodePlaintext(header, new Uint8Array(0))).toThrow(RangeError);
  });

  it.each([0, -1, 2.5])('refuses padTo %p', (padTo) => {
    expect(() => encodePlaintext({ kind: 'text', len: 0 }, new Uint8Array(0), padTo)).toThrow(RangeError);
  });
});

describe('decodePlaintext', () => {
  it('round trips a text', () => {
    const body = utf8('Grüße, 世界! 👋');
    const { header, body: decoded } = decodePlaintext(encodePlaintext({ kind: 'text', len: body.length }, body));
    expect(header).toEqual({ kind: 'text', len: body.length });
    expect(decoded).toEqual(body);
  });

  it('round trips an image header with every optional field', () => {
    const header: MessageHeader = { kind: 'image', len: 5, mime: 'image/webp', name: 'chat 🐈.webp', width: 640, height: 480 };
    const body = new Uint8Array([1, 2, 3, 4, 5]);
    expect(decodePlaintext(encodePlaintext(header, body))).toEqual({ header, body });
  });

  it('round trips an image header with no optional field', () => {
    const header: MessageHeader = { kind: 'image', len: 1, mime: 'image/gif' };
    expect(decodePlaintext(encodePlaintext(header, new Uint8Array([9]))).header).toEqual(header);
  });

  it('round trips a file header', () => {
    const header: MessageHeader = { kind: 'file', len: 4, mime: 'application/pdf', name: 'report 2026 (draft).pdf' };
    const body = new Uint8Array([0x25, 0x50, 0x44, 0x46]);
    expect(decodePlaintext(encodePlaintext(header, body))).toEqual({ header, body });
  });

  it('reads a plaintext that is a view into a larger buffer and copies the body out', () => {
    const plaintext = encodePlaintext({ kind: 'text', len: 3 }, utf8('abc'));
    const backing = Buffer.alloc(plaintext.length + 10, 0xff);
    backing.set(plaintext, 7);
    const { body } = decodePlaintext(backing.subarray(7, 7 + plaintext.length));
    expect(body).toEqual(utf8('abc'));
    backing.fill(0);
    expect(body).toEqual(utf8('abc'));
  });

  it('ignores whatever the padding holds', () => {
    const plaintext = frame('{"kind":"text","len":2}', new Uint8Array([0x68, 0x69, 0xff, 0xfe]));
    expect(decodePlaintext(plaintext).body).toEqual(utf8('hi'));
  });

  it.each<[string, Uint8Array]>([
    ['an empty plaintext', new Uint8Array(0)],
    ['a plaintext shorter than its length prefix', new Uint8Array(3)],
    ['a header length of 0', frame('', new Uint8Array(8))],
    ['a header length beyond the end', frame('{"kind":"text","len":0}', new Uint8Array(0), 24)],
    ['a header length of 2^32 - 1', frame('{"kind":"text","len":0}', new Uint8Array(0), 0xffffffff)],
    ['a header length over MAX_HEADER_BYTES', frame(`{"kind":"text","len":0,"x":"${'x'.repeat(MAX_HEADER_BYTES)}"}`)],
    ['a non-JSON header', frame('kind=text;len=0')],
    ['a header that is JSON but not an object', frame('[1,2]')],
    ['a null header', frame('null')],
    ['a header with invalid UTF-8', frame(new Uint8Array([0x7b, 0xff, 0x7d]))],
    ['a header with a byte-order mark', frame('\ufeff{"kind":"text","len":0}')],
    ['a len beyond the body', frame('{"kind":"text","len":3}', utf8('hi'))],
    ['a negative len', frame('{"kind":"text","len":-1}')],
    ['a fractional len', frame('{"kind":"text","len":0.5}', utf8('h'))],
    ['a len as a string', frame('{"kind":"text","len":"0"}')],
    ['no len', frame('{"kind":"text"}')],
    ['no kind', frame('{"len":0}')],
    ['a kind that is not a string', frame('{"kind":1,"len":0}')],
    ['an unknown mime', frame('{"kind":"image","len":0,"mime":"image/svg+xml"}')],
    ['an image with no mime', frame('{"kind":"image","len":0}')],
    ['a name that is not a string', frame('{"kind":"image","len":0,"mime":"image/png","name":null}')],
    ['a width of 0', frame('{"kind":"image","len":0,"mime":"image/png","width":0}')],
    ['a height that is a string', frame('{"kind":"image","len":0,"mime":"image/png","height":"480"}')],
    ['a width over 2^31 - 1', frame('{"kind":"image","len":0,"mime":"image/png","width":2147483648}')],
    ['a file with no mime', frame('{"kind":"file","len":0,"name":"a.pdf"}')],
    ['a file with no name', frame('{"kind":"file","len":0,"mime":"application/pdf"}')],
    ['a file whose mime is upper-case', frame('{"kind":"file","len":0,"mime":"Application/PDF","name":"a.pdf"}')],
    ['a file whose mime has parameters', frame('{"kind":"file","len":0,"mime":"text/plain;charset=utf-8","name":"a.txt"}')],
    ['a file whose name is not a string', frame('{"kind":"file","len":0,"mime":"application/pdf","name":["a.pdf"]}')],
    ['a file whose name is empty', frame('{"kind":"file","len":0,"mime":"application/pdf","name":""}')],
    ['a file whose name holds a path', frame('{"kind":"file","len":0,"mime":"application/pdf","name":"../a.pdf"}')],
    ['a file whose name holds a control character', frame('{"kind":"file","len":0,"mime":"application/pdf","name":"a\\u0007.pdf"}')],
    ['a file whose name is over 255 characters', frame(`{"kind":"file","len":0,"mime":"application/pdf","name":"${'x'.repeat(256)}"}`)],
    ['a file whose len runs past the body', frame('{"kind":"file","len":5,"mime":"application/pdf","name":"a.pdf"}', utf8('%PDF'))],
  ])('rejects %s', (_, plaintext) => {
    expect(() => decodePlaintext(plaintext)).toThrow(MessageRejectedError);
  });

  it('rejects a well-framed header of an unknown kind with UnknownKindError (dropped silently by receivers)', () => {
    expect(() => decodePlaintext(frame('{"kind":"video","len":0}'))).toThrow(UnknownKindError);
  });

  it.each<[string, Uint8Array]>([
    ['a text with a mime', frame('{"kind":"text","len":0,"mime":"image/png"}')],
    ['an unknown field', frame('{"kind":"text","len":0,"html":"<b>"}')],
    ['a __proto__ field', frame('{"kind":"text","len":0,"__proto__":{"x":1}}')],
  ])('ignores %s, returning the known fields only', (_, plaintext) => {
    const { header } = decodePlaintext(plaintext);
    expect(Object.keys(header)).toEqual(['kind', 'len']);
    expect(Object.getPrototypeOf(header)).toBe(Object.prototype);
  });

  it('ignores a file header\'s unknown fields, returning the known ones only', () => {
    const { header } = decodePlaintext(frame('{"kind":"file","len":0,"mime":"application/pdf","name":"a.pdf","width":3,"open":"inline"}'));
    expect(header).toEqual({ kind: 'file', len: 0, mime: 'application/pdf', name: 'a.pdf' });
  });
});
