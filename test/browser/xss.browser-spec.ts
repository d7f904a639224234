import type { Page } from 'playwright-core';
import { eventually } from './support/eventually';
import {
  button,
  createRoom,
  field,
  fieldDescription,
  joinRoom,
  messageLog,
  pathOf,
  sendText,
  uniquePassword,
  uniqueRoom,
  waitForFieldRefusal,
  waitForMessage,
} from './support/pages';
import { useBrowserApp, type BrowserUser } from './support/use-browser-app';

const PAYLOADS = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(2)</script>',
  '"><svg onload=alert(3)>',
  '{{constructor.constructor("alert(4)")()}}',
  '[click me](javascript:alert(5)) javascript:alert(6)',
];

/** Anything the payloads could have turned into: elements they name, handlers, script URLs. */
async function injectedElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    document.querySelectorAll('img').forEach((image) => {
      if (image.getAttribute('src') === 'x') found.push(image.outerHTML);
    });
    document.querySelectorAll('svg[onload], [onerror], [onload], [onclick]').forEach((element) => found.push(element.outerHTML));
    document.querySelectorAll('a[href]').forEach((link) => {
      if (/^\s*javascript:/i.test(link.getAttribute('href') ?? '')) found.push(link.outerHTML);
    });
    document.querySelectorAll('script').forEach((script) => {
      if (/alert\(/.test(script.textContent ?? '')) found.push(script.outerHTML);
    });
    return found;
  });
}

/** Records `alert` calls, should a payload ever run (the harness also fails on any dialog). */
async function trapAlerts(user: BrowserUser): Promise<void> {
  await user.context.addInitScript(() => {
    const calls: unknown[] = [];
    Object.defineProperty(window, '__alerts', { value: calls });
    window.alert = (message?: unknown) => void calls.push(message);
  });
}

async function alertsCalled(page: Page): Promise<unknown[]> {
  return page.evaluate(() => (window as unknown as { __alerts: unknown[] }).__alerts);
}

describe('User content renders as text (real Chromium)', () => {
  const app = useBrowserApp();

  it('messages that look like markup show literally, for sender and receiver alike', async () => {
    const room = uniqueRoom('Inert');
    const password = uniquePassword();
    const ada = await app().newUser();
    const bob = await app().newUser();
    await Promise.all([trapAlerts(ada), trapAlerts(bob)]);
    await createRoom(ada.page, { room, user: 'Ada', password });
    await joinRoom(bob.page, { room, user: 'Bob', password });

    for (const payload of PAYLOADS) {
      await sendText(ada.page, payload);
      await waitForMessage(bob.page, payload);
    }
    await sendText(ada.page, 'see https://example.com/docs for more');
    await waitForMessage(bob.page, 'see https://example.com/docs for more');

    for (const page of [ada.page, bob.page]) {
      expect(await injectedElements(page)).toEqual([]);
      expect(await alertsCalled(page)).toEqual([]);
      const logText = (await messageLog(page).innerText()).replace(/\s+/g, ' ');
      for (const payload of PAYLOADS) expect(logText).toContain(payload);
      // Links are optional; a link the app does make must not hand over the page.
      const rels = await messageLog(page)
        .locator('a[href^="https://example.com"]')
        .evaluateAll((links) => links.map((link) => (link.getAttribute('rel') ?? '').split(/\s+/).sort().join(' ')));
      for (const rel of rels) expect(rel).toEqual(expect.stringMatching(/noopener.*noreferrer|noreferrer.*noopener/));
    }
  }, 60_000);

  it('a name like <img src=x onerror=alert(1)> from the query stays text, and is refused with a sentence', async () => {
    const user = await app().newUser();
    await trapAlerts(user);
    const { page } = user;
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() !== 'GET') posts.push(request.url());
    });
    const name = '<img src=x onerror=alert(1)>';
    const roomName = '<script>alert(2)</script>';
    for (const path of ['/login', '/create']) {
      await page.goto(path);
      const hints = { room: await fieldDescription(page, 'Room name'), user: await fieldDescription(page, 'Username') };
      await page.goto(`${path}?username=${encodeURIComponent(name)}&roomname=${encodeURIComponent(roomName)}`);
      await eventually(async () => {
        expect(await field(page, 'Username').inputValue()).toBe(name);
        expect(await field(page, 'Room name').inputValue()).toBe(roomName);
      });
      await field(page, 'Password').fill(uniquePassword());
      const submit = button(page, path === '/login' ? 'Join room' : 'Create room');
      if (await submit.isEnabled()) await submit.click();
      await waitForFieldRefusal(page, 'Username', hints.user);
      await waitForFieldRefusal(page, 'Room name', hints.room);
      expect(pathOf(page)).toBe(path);
      expect(await injectedElements(page)).toEqual([]);
      expect(await alertsCalled(page)).toEqual([]);
    }
    expect(posts).toEqual([]);
  }, 60_000);
});
