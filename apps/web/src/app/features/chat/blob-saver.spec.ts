import { TestBed } from '@angular/core/testing';

import { BlobSaver, DOWNLOAD_URL_LIFETIME_MS, downloadName } from './blob-saver';
import { DownloadRecorder } from './testing/download-recorder';

describe('downloadName', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['.bashrc', 'bashrc'],
    ['trailing dots...', 'trailing dots'],
    ['invoice\u202efdp.exe', 'invoicefdp.exe'],
    ['zero\u200bwidth.txt', 'zerowidth.txt'],
    ['a:b*c?"d"<e>|f.txt', 'a_b_c__d__e__f.txt'],
    ['tab\there.txt', 'tabhere.txt'],
    ['Cafe\u0301.txt', 'Café.txt'],
    ['...', 'download'],
    ['', 'download'],
  ])('saves %p as %p', (name, saved) => {
    expect(downloadName(name)).toBe(saved);
  });
});

describe('BlobSaver', () => {
  let recorder: DownloadRecorder;
  let saver: BlobSaver;

  beforeEach(() => {
    recorder = new DownloadRecorder();
    saver = TestBed.inject(BlobSaver);
  });

  afterEach(() => {
    recorder.restore();
    jest.useRealTimers();
  });

  it('saves a blob through a new application/octet-stream URL, whatever its own type, and revokes that URL later', async () => {
    jest.useFakeTimers();
    saver.save(new Blob(['<svg onload=alert(1)>'], { type: 'image/svg+xml' }), 'picture.svg');

    expect(recorder.downloads).toEqual([{ href: 'blob:test/1', download: 'picture.svg', blob: expect.any(Blob), attached: true }]);
    expect(recorder.downloads[0].blob?.type).toBe('application/octet-stream');
    jest.advanceTimersByTime(DOWNLOAD_URL_LIFETIME_MS - 1);
    expect(recorder.revoked).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(recorder.revoked).toEqual(['blob:test/1']);
  });

  it('revokes the URLs it still holds when the app goes', () => {
    saver.save(new Blob(['a']), 'a.txt');
    saver.save(new Blob(['b']), 'b.txt');

    TestBed.resetTestingModule();

    expect(recorder.revoked).toEqual(['blob:test/1', 'blob:test/2']);
  });

  it('saves what a URL the app shows points at, under a safe name, and leaves that URL to its owner', () => {
    saver.saveUrl('blob:test/image', 'holiday/../photo.jpg');

    expect(recorder.downloads).toEqual([{ href: 'blob:test/image', download: 'holiday_.._photo.jpg', blob: undefined, attached: true }]);
    expect(recorder.revoked).toEqual([]);
  });
});
