import { type ComponentFixture, TestBed } from '@angular/core/testing';

import { DOWNLOAD_URL_LIFETIME_MS } from './blob-saver';
import { FileCard, nameTail } from './file-card';
import { DownloadRecorder } from './testing/download-recorder';

describe('FileCard', () => {
  let fixture: ComponentFixture<FileCard>;
  let element: HTMLElement;
  let recorder: DownloadRecorder;
  const bytes = new TextEncoder().encode('%PDF-1.4\n%%EOF\n');

  async function render(inputs: { name: string; mime: string; size: number; blob?: Blob }): Promise<void> {
    for (const [key, value] of Object.entries(inputs)) fixture.componentRef.setInput(key, value);
    await fixture.whenStable();
  }

  beforeEach(() => {
    recorder = new DownloadRecorder();
    fixture = TestBed.createComponent(FileCard);
    element = fixture.nativeElement as HTMLElement;
  });

  afterEach(() => {
    recorder.restore();
    jest.useRealTimers();
  });

  const downloadButton = () => element.querySelector('button');

  it('shows the name, a type people know and the size', async () => {
    await render({ name: 'report.pdf', mime: 'application/pdf', size: 1_234_567, blob: new Blob([bytes]) });

    expect(element.querySelector('.name .visually-hidden')?.textContent).toBe('report.pdf');
    expect(element.querySelector('.type')?.textContent).toBe('PDF document · 1.2 MB');
    expect(downloadButton()?.textContent?.trim()).toBe('Download');
    expect(downloadButton()?.getAttribute('aria-label')).toBe('Download report.pdf');
  });

  it('shows any other type as it was sent', async () => {
    await render({ name: 'data.bin', mime: 'application/x-custom+cbor', size: 3_000, blob: new Blob([bytes]) });

    expect(element.querySelector('.type')?.textContent).toBe('application/x-custom+cbor · 3.0 kB');
  });

  it('keeps the whole of a long name, in its title and its text, its end always in view', async () => {
    const name = `${'Minutes of the annual general meeting '.repeat(4)}final.pdf`;
    await render({ name, mime: 'application/pdf', size: 10, blob: new Blob([bytes]) });

    const shown = element.querySelector('.name') as HTMLElement;
    expect(shown.title).toBe(name);
    expect(shown.querySelector('.visually-hidden')?.textContent).toBe(name);
    expect(Array.from(shown.querySelectorAll('[aria-hidden="true"]'), (part) => part.textContent).join('')).toBe(name);
    expect(element.querySelector('.tail')?.textContent).toBe('inal.pdf');
  });

  it('renders markup in a name as text', async () => {
    await render({ name: '<img src=x onerror=alert(1)>.pdf', mime: 'application/pdf', size: 10, blob: new Blob([bytes]) });

    expect(element.querySelector('img')).toBeNull();
    expect(element.querySelector('.name .visually-hidden')?.textContent).toBe('<img src=x onerror=alert(1)>.pdf');
  });

  it('downloads the bytes as application/octet-stream under a safe name, from a link in the page, and revokes the URL after', async () => {
    await render({ name: '.report\u202e.pdf', mime: 'application/pdf', size: bytes.length, blob: new Blob([bytes], { type: 'application/octet-stream' }) });
    jest.useFakeTimers();

    downloadButton()?.click();

    expect(recorder.downloads).toHaveLength(1);
    const [download] = recorder.downloads;
    expect(download).toEqual(expect.objectContaining({ href: 'blob:test/1', download: 'report.pdf', attached: true }));
    expect(download.blob?.type).toBe('application/octet-stream');
    expect(element.ownerDocument.querySelector('a[download]')).toBeNull();
    expect(recorder.revoked).toEqual([]);

    jest.advanceTimersByTime(DOWNLOAD_URL_LIFETIME_MS);
    expect(recorder.revoked).toEqual(['blob:test/1']);
    jest.useRealTimers();
    expect(new Uint8Array(await download.blob!.arrayBuffer())).toEqual(bytes);
  });

  it('says a file not kept across a reload was not kept, with nothing to download', async () => {
    await render({ name: 'report.pdf', mime: 'application/pdf', size: 1_000 });

    expect(element.querySelector('.not-kept')?.textContent).toBe('Not kept across the reload.');
    expect(downloadButton()).toBeNull();
  });
});

describe('nameTail', () => {
  it.each([
    ['short.pdf', ''],
    ['a rather long file name.tar.gz', '.tar.gz'],
    ['quarterly-report-2026-final-final.docx', 'inal.docx'],
    ['no extension at all in this long one', 'long one'],
    ['😀'.repeat(30), '😀'.repeat(8)],
    ['twenty-four characters!!', ''],
  ])('keeps the end of %p in view: %p', (name, tail) => {
    expect(nameTail(name)).toBe(tail);
    expect(name.endsWith(tail)).toBe(true);
  });
});
