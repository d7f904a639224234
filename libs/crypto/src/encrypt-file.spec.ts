import { decryptMessage } from './decrypt-message';
import { encryptFile, filePlaintext } from './encrypt-file';
import { MAX_FILE_MIME_CHARS, MAX_FILE_NAME_CHARS } from './file-header-rules';
import { roomKeysFromMaster } from './room-keys';
import type { MessageContext } from './seal';

const CTX: MessageContext = { roomKey: 'lobby', from: 'alice', id: 'msg_0123456789abcdefAB' };
const PDF = new TextEncoder().encode('%PDF-1.4\n%\u00e2\u00e3\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');

let encKey: CryptoKey;
beforeAll(async () => {
  encKey = (await roomKeysFromMaster(new Uint8Array(32).fill(42), CTX.roomKey)).encKey;
});

describe('encryptFile and decryptMessage', () => {
  it('round trip a file with its type and name, bytes unchanged', async () => {
    const file = { mime: 'application/pdf', name: 'Quarterly report (final) – été.pdf', bytes: PDF };
    const box = await encryptFile(encKey, CTX, file);
    expect(await decryptMessage(encKey, CTX, box)).toEqual({ kind: 'file', ...file });
  });

  it('carry any type, an image type or one of a vendor tree included', async () => {
    for (const mime of ['image/svg+xml', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'text/x-c++src']) {
      const box = await encryptFile(encKey, CTX, { mime, name: 'x', bytes: PDF });
      expect(await decryptMessage(encKey, CTX, box)).toMatchObject({ kind: 'file', mime });
    }
  });

  it('pad to a multiple of 256 bytes', async () => {
    const box = await encryptFile(encKey, CTX, { mime: 'application/zip', name: 'a.zip', bytes: new Uint8Array(1000) });
    expect((box.length - 28) % 256).toBe(0);
  });

  it('read only the bytes of a view into a larger buffer', async () => {
    const backing = Buffer.concat([Buffer.alloc(9, 0xee), Buffer.from(PDF), Buffer.alloc(3, 0xee)]);
    const box = await encryptFile(encKey, CTX, { mime: 'application/pdf', name: 'a.pdf', bytes: backing.subarray(9, 9 + PDF.length) });
    expect(await decryptMessage(encKey, CTX, box)).toMatchObject({ bytes: PDF });
  });

  it('refuse an empty file', () => {
    expect(() => filePlaintext({ mime: 'application/pdf', name: 'a.pdf', bytes: new Uint8Array(0) })).toThrow(RangeError);
  });

  it.each<[string, string, string]>([
    ['an upper-case type', 'Application/PDF', 'a.pdf'],
    ['a type with parameters', 'text/plain; charset=utf-8', 'a.txt'],
    ['a type without a subtype', 'application', 'a'],
    ['a type that starts with a symbol', '+x/y', 'a'],
    ['an empty type', '', 'a'],
    [`a type over ${MAX_FILE_MIME_CHARS} characters`, `application/${'x'.repeat(MAX_FILE_MIME_CHARS - 11)}`, 'a'],
    ['an empty name', 'application/pdf', ''],
    ['a blank name', 'application/pdf', '   '],
    ['a name that is ..', 'application/pdf', '..'],
    ['a name with a slash', 'application/pdf', '../../etc/passwd'],
    ['a name with a backslash', 'application/pdf', '..\\boot.ini'],
    ['a name with a newline', 'application/pdf', 'a\nb.pdf'],
    ['a name with a NUL', 'application/pdf', 'a\u0000.pdf'],
    ['a name with a C1 control', 'application/pdf', 'a\u0085.pdf'],
    ['a name with a right-to-left override', 'application/pdf', 'invoice\u202efdp.exe'],
    ['a name with a lone surrogate', 'application/pdf', 'a\ud83d.pdf'],
    [`a name over ${MAX_FILE_NAME_CHARS} characters`, 'application/pdf', `${'é'.repeat(MAX_FILE_NAME_CHARS - 3)}.pdf`],
  ])('refuse %s', (_, mime, name) => {
    expect(() => filePlaintext({ mime, name, bytes: PDF })).toThrow(TypeError);
  });

  it(`take a type of exactly ${MAX_FILE_MIME_CHARS} characters and a name of exactly ${MAX_FILE_NAME_CHARS} (astral characters count once)`, async () => {
    const mime = `application/${'x'.repeat(MAX_FILE_MIME_CHARS - 12)}`;
    const name = `${'📄'.repeat(MAX_FILE_NAME_CHARS - 4)}.pdf`;
    const box = await encryptFile(encKey, CTX, { mime, name, bytes: PDF });
    expect(await decryptMessage(encKey, CTX, box)).toMatchObject({ mime, name });
  });
});
