import type { Page } from 'playwright-core';
import { eventually } from './support/eventually';
import { chatHandshakes, keptPoint } from './support/kept-conversation';
import { quadrantPng } from './support/make-png';
import {
  attachImage,
  createRoom,
  joinRoom,
  logLines,
  memberStatus,
  messageItemDescription,
  readFingerprint,
  renderedImages,
  sendText,
  uniquePassword,
  uniqueRoom,
  waitForChat,
  waitForMessage,
  waitForPath,
} from './support/pages';
import { TrafficRecorder } from './support/traffic-recorder';
import { useBrowserApp } from './support/use-browser-app';

// Issue 13: a reload, or leaving the chat page within the app, keeps the conversation. Against
// the server as it is (no replay yet): everything said before the reload comes from the tab's
// own sealed store.

/** Long enough for a reload on a loaded machine. */
const GRACE_MS = 10_000;

/** What the log says, lines and messages, without the times. */
async function conversation(page: Page): Promise<string[]> {
  return (await logLines(page)).map((line) => line.replace(/\s*\d{1,2}:\d{2}\s*[AP]M/g, '').trim());
}

function mentions(lines: string[], name: string, pattern: RegExp): boolean {
  return lines.some((line) => line.includes(name) && pattern.test(line));
}

describe('The conversation survives a reload and moving around the app (real Chromium)', () => {
  const app = useBrowserApp({ DISCONNECT_GRACE_MS: String(GRACE_MS) });

  async function pair(traffic = new TrafficRecorder()) {
    const room = uniqueRoom('Kept');
    const password = uniquePassword();
    const ada = await app().newUser();
    traffic.watchContext(ada.context);
    const bob = await app().newUser();
    const print = await createRoom(ada.page, { room, user: 'Ada', password });
    await joinRoom(bob.page, { room, user: 'Bob', password });
    await eventually(async () => expect(await memberStatus(ada.page, 'Bob')).toBe('online'));
    return { room, print, ada, bob };
  }

  it('a reload brings back the whole conversation, text and images, resumes from where it was, and the others see no one leave or join', async () => {
    const traffic = new TrafficRecorder();
    const { print, ada, bob } = await pair(traffic);
    await sendText(ada.page, 'first, from Ada');
    await waitForMessage(ada.page, 'first, from Ada');
    await sendText(bob.page, 'second, from Bob');
    await waitForMessage(ada.page, 'second, from Bob');
    await attachImage(ada.page, { name: 'ada.png', mimeType: 'image/png', buffer: quadrantPng(24, 16) });
    await attachImage(bob.page, { name: 'bob.png', mimeType: 'image/png', buffer: quadrantPng(12, 30) });
    await eventually(async () => expect(await renderedImages(ada.page)).toHaveLength(2));
    await eventually(async () => expect(await messageItemDescription(ada.page, 'first, from Ada')).toMatch(/\bSent\b/));
    // Four messages took seq 1 to 4; once the tab has kept all of them, reload.
    await eventually(async () => expect((await keptPoint(ada.page))?.seen).toBe(4));
    const before = await conversation(ada.page);
    const bobBefore = await logLines(bob.page);

    await ada.page.reload();
    expect(await waitForChat(ada.page)).toBe(print);
    // The session's first connection resumed from 0; the one after the reload from the kept seq.
    expect(chatHandshakes(traffic.frames).map((auth) => auth['resume'])).toEqual([0, 4]);

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
    expect(await messageItemDescription(ada.page, 'first, from Ada')).toMatch(/\bSent\b/);

    await sendText(ada.page, 'third, after the reload');
    await waitForMessage(bob.page, 'third, after the reload');
    const bobSince = (await logLines(bob.page)).slice(bobBefore.length);
    expect(mentions(bobSince, 'Ada', /\bleft\b|\bjoined\b|timed out/i)).toBe(false);
  }, 90_000);

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
    expect(await readFingerprint(ada.page)).not.toBe('');
    await sendText(ada.page, 'back in the room');
    await waitForMessage(bob.page, 'back in the room');
    const bobSince = (await logLines(bob.page)).slice(bobBefore.length);
    expect(mentions(bobSince, 'Ada', /\baway\b|\bis back\b|\bleft\b|\bjoined\b/i)).toBe(false);
  }, 90_000);
});
