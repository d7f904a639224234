import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Download, Page } from 'playwright-core';
import { seriousViolations } from './support/axe';
import { cspConsoleMessages, recordCspViolations } from './support/csp-violations';
import { eventually } from './support/eventually';
import { twoFrameGif } from './support/make-gif';
import { meetInRoom } from './support/meet-in-room';
import { attachFile, downloadButton, field, messageLog, sendText, waitForChat, waitForMessage } from './support/pages';
import { type BrowserUser, useBrowserApp } from './support/use-browser-app';

// Issue 15, point 6: any file up to MAX_MESSAGE_BYTES after encryption, shown as a card and
// saved as an attachment, never opened; animated GIFs stay animated; the viewer saves images.

const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
];

/** A small but real PDF: one empty page, its cross-reference table pointing at each object. */
function samplePdf(title: string): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>',
    `<< /Title (${title}) >>`,
  ];
  let body = '%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n';
  const offsets = objects.map((object, index) => {
    const offset = Buffer.byteLength(body, 'latin1');
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
    return offset;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 4 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** The card of the file named `name`: the log item that holds its Download button. */
function card(page: Page, name: string) {
  return messageLog(page).locator('li').filter({ has: page.getByRole('button', { name: `Download ${name}`, exact: true }) });
}

/** A file of `size` bytes on disk, so the browser reads it from there (as from a picker) rather than over the protocol. */
async function fileOnDisk(name: string, size: number): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'ciphernest-files-')), name);
  await writeFile(path, Buffer.alloc(size, 7));
  return path;
}

/** Clicks `button` and resolves with the download it starts and its bytes. */
async function download(page: Page, click: () => Promise<void>): Promise<{ download: Download; bytes: Buffer }> {
  const [started] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), click()]);
  const path = await started.path();
  return { download: started, bytes: await readFile(path) };
}

/** Every main-frame navigation of `page` from now on (a file opened inline would be one). */
function navigations(page: Page): string[] {
  const seen: string[] = [];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) seen.push(frame.url());
  });
  return seen;
}

/** The parts of the conversation this tab keeps for a reload ('log', 'image:<id>' for each image or file kept). */
async function keptParts(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    if (!(await indexedDB.databases()).some((database) => database.name === 'ciphernest')) return [];
    const database = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('ciphernest');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    try {
      const parts = await new Promise<{ part: string }[]>((resolve, reject) => {
        const request = database.transaction('sealed-conversations').objectStore('sealed-conversations').getAll();
        request.onsuccess = () => resolve(request.result as { part: string }[]);
        request.onerror = () => reject(request.error);
      });
      return parts.map((part) => part.part);
    } finally {
      database.close();
    }
  });
}

/** How many frames Chromium decodes from `bytes` as a GIF (WebCodecs' ImageDecoder, in the app's page). */
async function gifFrameCount(page: Page, bytes: Buffer): Promise<number> {
  return page.evaluate(async (data) => {
    const decoder = new (window as unknown as { ImageDecoder: new (init: object) => any }).ImageDecoder({ data: new Uint8Array(data), type: 'image/gif' });
    await decoder.tracks.ready;
    return decoder.tracks.selectedTrack.frameCount as number;
  }, Array.from(bytes));
}

describe('Files (real Chromium)', () => {
  const app = useBrowserApp();

  describe.each(VIEWPORTS)('at $width x $height', (viewport) => {
    /** Ada and Bob in a room of their own, each page watched for CSP violations. */
    async function adaAndBob(options: { bypassCSP?: boolean } = {}): Promise<{ ada: BrowserUser; bob: BrowserUser; violations: string[][] }> {
      const violations: string[][] = [];
      const watch = async (user: BrowserUser) => void violations.push(await recordCspViolations(user));
      const guest = (name: string) => ({ name, options: { viewport, ...options }, before: options.bypassCSP ? undefined : watch });
      const { users } = await meetInRoom(app(), [guest('Ada'), guest('Bob')], 'Files');
      return { ada: users[0], bob: users[1], violations };
    }

    function expectNoCspViolation(users: BrowserUser[], violations: string[][]): void {
      expect({ violations: violations.flat(), console: users.flatMap(cspConsoleMessages) }).toEqual({ violations: [], console: [] });
    }

    it('a PDF arrives as a card with its name, type and size; Download saves the same bytes and opens nothing', async () => {
      const { ada, bob, violations } = await adaAndBob();
      const pdf = samplePdf('Minutes');
      const name = 'Minutes of the spring general meeting, final draft.pdf';
      await attachFile(ada.page, { name, mimeType: 'application/pdf', buffer: pdf });

      const received = card(bob.page, name);
      await received.waitFor({ state: 'visible', timeout: 20_000 });
      const text = (await received.innerText()).replace(/\s+/g, ' ');
      expect(text).toContain(name);
      expect(text).toContain(`PDF document · ${pdf.length} bytes`);
      expect(await received.locator('.name').getAttribute('title')).toBe(name);

      const before = bob.page.url();
      const moves = navigations(bob.page);
      const saved = await download(bob.page, () => downloadButton(bob.page, name).click());
      expect(saved.download.suggestedFilename()).toBe(name);
      expect(saved.bytes.equals(pdf)).toBe(true);
      expect(bob.page.url()).toBe(before);
      expect(moves).toEqual([]);
      expect(bob.context.pages()).toHaveLength(1);
      expect(await messageLog(bob.page).locator('iframe, object, embed, img').count()).toBe(0);
      expectNoCspViolation([ada, bob], violations);
    }, 120_000);

    it('a file over the limit is refused with the limit in MB, and nothing is sent', async () => {
      const { ada, bob, violations } = await adaAndBob();
      const big = await fileOnDisk('holiday.zip', 9_000_000);
      try {
        await field(ada.page, 'Attach file').setInputFiles(big);
        await ada.page.getByRole('status').filter({ hasText: 'This file is too large to send (9.0 MB; the limit is 8.3 MB).' }).waitFor({ state: 'visible' });
      } finally {
        await rm(dirname(big), { recursive: true });
      }
      await sendText(ada.page, 'sent after the big file');
      await waitForMessage(bob.page, 'sent after the big file');
      for (const page of [ada.page, bob.page]) expect(await messageLog(page).locator('app-file-card').count()).toBe(0);
      expectNoCspViolation([ada, bob], violations);
    }, 120_000);

    it('an animated GIF arrives with both frames (comment and XMP dropped), and "Save image" downloads it', async () => {
      const { ada, bob, violations } = await adaAndBob();
      await field(ada.page, 'Attach file').setInputFiles({ name: 'dance.gif', mimeType: 'image/gif', buffer: Buffer.from(twoFrameGif({ comment: 'Shot at 12 Rue de Rivoli', xmp: '<x:xmpmeta>48.86,2.33</x:xmpmeta>' })) });

      const thumbnail = messageLog(bob.page).getByRole('button', { name: 'Image from Ada, open full size' });
      await thumbnail.waitFor({ state: 'visible', timeout: 20_000 });
      await thumbnail.click();
      const saved = await download(bob.page, () => bob.page.getByRole('dialog').getByRole('button', { name: 'Save image', exact: true }).click());

      expect(saved.download.suggestedFilename()).toMatch(/^image-\d{4}-\d{2}-\d{2}-\d{6}\.gif$/);
      expect(saved.bytes.equals(Buffer.from(twoFrameGif()))).toBe(true);
      expect(await gifFrameCount(bob.page, saved.bytes)).toBe(2);
      expect(saved.bytes.includes('Rivoli')).toBe(false);
      expectNoCspViolation([ada, bob], violations);
    }, 120_000);

    it('a reload keeps the file card, and Download still gives the same bytes', async () => {
      const { ada, bob, violations } = await adaAndBob();
      const pdf = samplePdf('Kept');
      await attachFile(ada.page, { name: 'kept.pdf', mimeType: 'application/pdf', buffer: pdf });
      await card(bob.page, 'kept.pdf').waitFor({ state: 'visible', timeout: 20_000 });
      await eventually(async () => expect((await keptParts(bob.page)).filter((part) => part.startsWith('image:'))).toHaveLength(1), { timeout: 20_000 });

      await bob.page.reload();
      await waitForChat(bob.page);
      await card(bob.page, 'kept.pdf').waitFor({ state: 'visible', timeout: 20_000 });
      const saved = await download(bob.page, () => downloadButton(bob.page, 'kept.pdf').click());
      expect(saved.bytes.equals(pdf)).toBe(true);
      expectNoCspViolation([ada, bob], violations);
    }, 120_000);

    it('a room with file cards and an animated GIF has no serious or critical axe finding', async () => {
      // axe is injected as an inline script, which the app's CSP rightly forbids; the tests above watch the policy.
      const { ada, bob } = await adaAndBob({ bypassCSP: true });
      await attachFile(ada.page, { name: `${'A long name that a phone has to cut '.repeat(3)}end.pdf`, mimeType: 'application/pdf', buffer: samplePdf('Long') });
      await field(ada.page, 'Attach file').setInputFiles({ name: 'dance.gif', mimeType: 'image/gif', buffer: Buffer.from(twoFrameGif()) });
      await eventually(async () => expect(await messageLog(bob.page).locator('img').count()).toBe(1), { timeout: 20_000 });
      await eventually(async () => expect(await messageLog(bob.page).locator('app-file-card').count()).toBe(1), { timeout: 20_000 });

      expect(await seriousViolations(bob.page)).toEqual([]);
      expect(await seriousViolations(ada.page)).toEqual([]);
    }, 120_000);
  });
});
