import { isFileMime, isFileName, MAX_FILE_NAME_CHARS, maxFileBytes } from '@ciphernest/crypto';
import { DEFAULT_LIMITS } from '@ciphernest/protocol';

import { FilePrepError, fileNameForSending, mimeForSending, prepareFile, tooLargeText } from './file-prep';

describe('fileNameForSending', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['  spaced out.txt  ', 'spaced out.txt'],
    ['a/b\\c.txt', 'a_b_c.txt'],
    ['line\nbreak.txt', 'line_break.txt'],
    ['invoice\u202efdp.exe', 'invoice_fdp.exe'],
    ['Cafe\u0301.txt', 'Café.txt'],
    ['', 'file'],
    ['   ', 'file'],
    ['..', 'file'],
  ])('sends %p as %p', (picked, sent) => {
    expect(fileNameForSending(picked)).toBe(sent);
  });

  it(`shortens a name over ${MAX_FILE_NAME_CHARS} characters, keeping its extension`, () => {
    const sent = fileNameForSending(`${'📄'.repeat(300)}.pdf`);

    expect(Array.from(sent)).toHaveLength(MAX_FILE_NAME_CHARS);
    expect(sent.endsWith('📄.pdf')).toBe(true);
    expect(isFileName(sent)).toBe(true);
  });
});

describe('mimeForSending', () => {
  it.each([
    ['application/pdf', 'application/pdf'],
    ['Text/Plain; charset=UTF-8', 'text/plain'],
    ['', 'application/octet-stream'],
    ['not a type', 'application/octet-stream'],
  ])('sends %p as %p', (type, sent) => {
    expect(mimeForSending(type)).toBe(sent);
    expect(isFileMime(sent)).toBe(true);
  });
});

describe('prepareFile', () => {
  const pdfBytes = new TextEncoder().encode('%PDF-1.4\n%%EOF\n');

  it('reads the bytes, with the type and name it will be sent under', async () => {
    const prepared = await prepareFile(new Blob([pdfBytes], { type: 'application/pdf' }), 'notes.pdf');

    expect(prepared).toEqual({ mime: 'application/pdf', name: 'notes.pdf', bytes: pdfBytes });
  });

  it('takes the largest file that fits a message, and refuses one byte more before reading it, naming the limit in MB', async () => {
    const limit = maxFileBytes(DEFAULT_LIMITS.maxMessageBytes, { mime: 'application/zip', name: 'big.zip' });
    const fits = new Blob([new Uint8Array(limit)], { type: 'application/zip' });
    const over = new Blob([new Uint8Array(limit + 1)], { type: 'application/zip' });
    const read = jest.spyOn(over, 'arrayBuffer');

    expect((await prepareFile(fits, 'big.zip')).bytes).toHaveLength(limit);
    await expect(prepareFile(over, 'big.zip')).rejects.toThrow(new FilePrepError('This file is too large to send (8.4 MB; the limit is 8.3 MB).'));
    expect(read).not.toHaveBeenCalled();
  });

  it('refuses an empty file', async () => {
    await expect(prepareFile(new Blob([]), 'empty.txt')).rejects.toThrow(new FilePrepError('This file is empty, so there is nothing to send.'));
  });

  it('says so when the file cannot be read', async () => {
    const unreadable = new Blob(['x']);
    jest.spyOn(unreadable, 'arrayBuffer').mockRejectedValue(new DOMException('gone', 'NotReadableError'));

    await expect(prepareFile(unreadable, 'gone.txt')).rejects.toThrow(new FilePrepError('This file could not be read.'));
  });
});

describe('tooLargeText', () => {
  it('rounds the limit down, so it never says more than fits', () => {
    expect(tooLargeText(20_000_000, 8_387_999)).toBe('This file is too large to send (20.0 MB; the limit is 8.3 MB).');
  });
});
