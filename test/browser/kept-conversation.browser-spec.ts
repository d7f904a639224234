import type { Page } from 'playwright-core';
import { eventually } from './support/eventually';
import { chatHandshakes, keptPoint, seqSeen } from './support/kept-conversation';
import { quadrantPng } from './support/make-png';
import { meetInRoom } from './support/meet-in-room';
import {
  attachImage,
  logLines,
  memberStatus,
  mentions,
  deliveryRecord,
  encryptionNote,
  ownDeliveryRecords,
  renderedImages,
  sendText,
  sendTexts,
  shownInOrder,
  waitForChat,
  waitForMessage,
  waitForPath,
} from './support/pages';
import { TrafficRecorder } from './support/traffic-recorder';
import { useBrowserApp } from './support/use-browser-app';

// Issue 13: a reload, or leaving the chat page within the app, keeps the conversation: what was
// said before the reload comes from the tab's own sealed store, what was said while it reloaded
// from the server's replay (docs/protocol.md §5.1).

/** Long enough for a reload held half-way on a loaded machine. */
const GRACE_MS = 20_000;

/** What the log says, lines and messages, without the times. */
async function conversation(page: Page): Promise<string[]> {
  return (await logLines(page)).map((line) => line.replace(/\s*\d{1,2}:\d{2}\s*[AP]M/g, '').trim());
}

/**
 * Holds the app's script on its way to `page` until the returned function is called: a reload
 * then stays half-way, the old page gone and the new one not yet running, for as long as the
 * test needs. Once let through, later loads of the page pass at once.
 */
async function holdAppScript(page: Page): Promise<() => void> {
  let letThrough!: () => void;
  const released = new Promise<void>((resolve) => (letThrough = resolve));
  await page.route(/\/main-[A-Z0-9]+\.js$/, async (route) => {
    await released;
    await route.continue();
  });
  return letThrough;
}

describe('The conversation survives a reload and moving around the app (real Chromium)', () => {
  const app = useBrowserApp({ DISCONNECT_GRACE_MS: String(GRACE_MS) });

  async function pair(traffic?: TrafficRecorder) {
    const {
      users: [ada, bob],
    } = await meetInRoom(app(), [{ name: 'Ada', traffic }, { name: 'Bob' }], 'Kept');
    return { ada, bob };
  }

  it('a reload brings back the whole conversation, text and images, resumes from where it was, and the others see no one leave or join', async () => {
    const traffic = new TrafficRecorder();
    const { ada, bob } = await pair(traffic);
    await sendText(ada.page, 'first, from Ada');
    await waitForMessage(ada.page, 'first, from Ada');
    await sendText(bob.page, 'second, from Bob');
    await waitForMessage(ada.page, 'second, from Bob');
    await attachImage(ada.page, { name: 'ada.png', mimeType: 'image/png', buffer: quadrantPng(24, 16) });
    await attachImage(bob.page, { name: 'bob.png', mimeType: 'image/png', buffer: quadrantPng(12, 30) });
    await eventually(async () => expect(await renderedImages(ada.page)).toHaveLength(2));
    // Bob's receipts have reached both of Ada's messages; the list says so under the latest.
    await eventually(async () => {
      expect(await ownDeliveryRecords(ada.page)).toEqual(['delivered', 'delivered']);
      const own = (await conversation(ada.page)).filter((line) => line.startsWith('You '));
      expect(own.map((line) => line.endsWith('Delivered'))).toEqual([false, true]);
    });
    // Once the tab has kept everything it has seen (the four messages and the end-to-end layer's boxes), reload.
    const seen = seqSeen(traffic.frames);
    await eventually(async () => expect((await keptPoint(ada.page))?.seen).toBe(seen));
    const before = await conversation(ada.page);
    const bobBefore = await logLines(bob.page);

    await ada.page.reload();
    await waitForChat(ada.page);
    // The session's first connection resumed from 0; the one after the reload from the kept seq.
    expect(chatHandshakes(traffic).map((auth) => auth['resume'])).toEqual([0, seen]);

    await eventually(async () => expect(await conversation(ada.page)).toEqual(before));
    const images = await eventually(async () => {
      const shown = await renderedImages(ada.page);
      expect(shown).toHaveLength(2);
      return shown;
    });
    expect(images.map(({ width, height }) => [width, height])).toEqual([
      [24, 16],
      [12, 30],
    ]);
    expect(await ownDeliveryRecords(ada.page)).toEqual(['delivered', 'delivered']);

    await sendText(ada.page, 'third, after the reload');
    await waitForMessage(bob.page, 'third, after the reload');
    const bobSince = (await logLines(bob.page)).slice(bobBefore.length);
    expect(mentions(bobSince, 'Ada', /\bleft\b|\bjoined\b|timed out/i)).toBe(false);
  }, 90_000);

  it('messages sent before, during and after a reload: the whole conversation is back, with what was said meanwhile, in order, none twice', async () => {
    const traffic = new TrafficRecorder();
    const { ada, bob } = await pair(traffic);
    const kept = ['Ada, before the reload', 'Bob, before the reload'];
    await sendText(ada.page, kept[0]);
    await waitForMessage(bob.page, kept[0]);
    await attachImage(bob.page, { name: 'bob.png', mimeType: 'image/png', buffer: quadrantPng(12, 30) });
    await sendText(bob.page, kept[1]);
    await waitForMessage(ada.page, kept[1]);
    await eventually(async () => expect(await renderedImages(ada.page)).toHaveLength(1));
    const seen = seqSeen(traffic.frames);
    await eventually(async () => expect((await keptPoint(ada.page))?.seen).toBe(seen));
    // Said as the reload begins: kept by the tab or not, it must show once.
    const justBefore = 'Bob, just before the reload';
    await sendText(bob.page, justBefore);
    await waitForMessage(ada.page, justBefore);

    const release = await holdAppScript(ada.page);
    await ada.page.reload({ waitUntil: 'commit' });
    // The old page is gone and the new one is not running: the server holds what Bob says now.
    await eventually(async () => expect(await memberStatus(bob.page, 'Ada')).toBe('away'), { timeout: 30_000 });
    const during = ['Bob, during the reload, 1 of 2', 'Bob, during the reload, 2 of 2'];
    await sendTexts(bob.page, during);
    release();
    await waitForChat(ada.page);
    const after = 'Bob, after the reload';
    await sendText(bob.page, after);

    await waitForMessage(ada.page, after, 30_000);
    const said = [...kept, justBefore, ...during, after];
    expect(await shownInOrder(ada.page, said)).toEqual(said);
    const images = await eventually(async () => {
      const shown = await renderedImages(ada.page);
      expect(shown).toHaveLength(1);
      return shown;
    });
    expect(images.map(({ width, height }) => [width, height])).toEqual([[12, 30]]);
    await eventually(async () => {
      for (const text of [...during, after]) expect(await deliveryRecord(bob.page, text)).toBe('delivered');
    });
  }, 120_000);

  it('Create, Join and How it works in the header, then Back: the session stays online and the conversation is all there', async () => {
    const { ada, bob } = await pair();
    await sendText(ada.page, 'before moving around');
    await waitForMessage(bob.page, 'before moving around');
    const bobBefore = await logLines(bob.page);

    const header = ada.page.getByRole('navigation', { name: 'Main' });
    await header.getByRole('link', { name: 'How it works', exact: true }).click();
    await waitForPath(ada.page, '/about');
    await sendText(bob.page, 'said while Ada reads the about page');
    await header.getByRole('link', { name: 'Join', exact: true }).click();
    await waitForPath(ada.page, '/login');
    await header.getByRole('link', { name: 'Create', exact: true }).click();
    await waitForPath(ada.page, '/create');
    // Ada never left: the others see her online throughout.
    expect(await memberStatus(bob.page, 'Ada')).toBe('online');

    await ada.page.goBack();
    await waitForPath(ada.page, '/login');
    await ada.page.goBack();
    await waitForPath(ada.page, '/about');
    await ada.page.goBack();
    await waitForChat(ada.page);

    await waitForMessage(ada.page, 'before moving around');
    await waitForMessage(ada.page, 'said while Ada reads the about page');
    await expect(encryptionNote(ada.page).isVisible()).resolves.toBe(true);
    await sendText(ada.page, 'back in the room');
    await waitForMessage(bob.page, 'back in the room');
    const bobSince = (await logLines(bob.page)).slice(bobBefore.length);
    expect(mentions(bobSince, 'Ada', /\baway\b|\bis back\b|\bleft\b|\bjoined\b/i)).toBe(false);
  }, 90_000);
});
