import type { Locator, Page } from 'playwright-core';
import { MAX_TEXT_CHARS } from '@ciphernest/protocol';
import { seriousViolations } from './support/axe';
import { cspConsoleMessages, recordCspViolations } from './support/csp-violations';
import { eventually } from './support/eventually';
import { meetInRoom } from './support/meet-in-room';
import { emulateVisibility } from './support/page-visibility';
import { deliveryRecord, field, logLines, messageItem, messageItemDescription, messageLog, sendText, waitForMessage } from './support/pages';
import { WireRelay } from './support/wire-relay';
import { useBrowserApp } from './support/use-browser-app';

// Issue 15, "a busy room stays readable": Jump to newest, the New messages divider, day
// separators, runs of one sender, one delivery state where it matters, and a composer that says
// why a text too long is not sent, on a desktop and on a phone.

const DAY_MS = 24 * 60 * 60_000;
const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
];

function jumpButton(page: Page): Locator {
  return page.getByRole('button', { name: /^Jump to newest/ });
}

/** How far the log is from its end, in px (0 at the end). */
function distanceFromEnd(page: Page): Promise<number> {
  return messageLog(page).evaluate((log) => log.scrollHeight - log.scrollTop - log.clientHeight);
}

/** Scrolls the log up with the mouse wheel, as a reader does, to its top. */
async function scrollToTop(page: Page): Promise<void> {
  await messageLog(page).hover();
  await eventually(async () => {
    await page.mouse.wheel(0, -2_000);
    expect(await messageLog(page).evaluate((log) => log.scrollTop)).toBe(0);
  });
}

/** The log's rows in order, each as its words: separators ("Today", "New messages"), lines and messages. */
async function rows(page: Page): Promise<string[]> {
  return (await logLines(page)).map((line) => line.replace(/\s*\d{1,2}:\d{2}\s*([AP]M)?/g, ' ').replace(/\s+/g, ' ').trim());
}

/** The index of the row that holds `text`; fails when no row does. */
function rowOf(lines: string[], text: string): number {
  const index = lines.findIndex((line) => line.endsWith(text));
  if (index < 0) throw new Error(`no row of the log ends with "${text}": ${JSON.stringify(lines)}`);
  return index;
}

/** True when `locator`'s box lies inside the page's viewport. */
async function inViewport(page: Page, locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  const size = page.viewportSize();
  if (box === null || size === null) return false;
  return box.x >= 0 && box.y >= 0 && box.x + box.width <= size.width && box.y + box.height <= size.height;
}

/** The name shown on a message's item: its bounding box, which a visually hidden name collapses to 1 px. */
async function shownSender(page: Page, text: string, sender: string): Promise<boolean> {
  const box = await messageItem(page, text).getByText(sender, { exact: true }).boundingBox();
  return box !== null && box.width > 1 && box.height > 1;
}

describe('A busy room stays readable (real Chromium)', () => {
  const app = useBrowserApp();

  describe.each(VIEWPORTS)('at $width x $height', (viewport) => {
    it('scrolled up: "Jump to newest (3 new)" goes to the end, scrolling there by hand hides it; runs of one sender grouped; only our latest message says Delivered; a text too long says why; no CSP violation', async () => {
      let violations: string[] = [];
      const {
        users: [ada, bob],
      } = await meetInRoom(
        app(),
        [
          { name: 'Ada', options: { viewport }, before: async (user) => void (violations = await recordCspViolations(user)) },
          { name: 'Bob', options: { viewport } },
        ],
        'Busy',
      );
      const earlier = Array.from({ length: 20 }, (_, i) => `Bob's earlier line ${i + 1} of 20`);
      for (const text of earlier) await sendText(bob.page, text);
      await waitForMessage(ada.page, earlier[19]);
      // A run of one sender: the name shows on its first message only, and stays for screen readers.
      expect(await shownSender(ada.page, earlier[0], 'Bob')).toBe(true);
      expect(await shownSender(ada.page, earlier[1], 'Bob')).toBe(false);
      expect(await messageItemDescription(ada.page, earlier[1])).toContain('Bob');
      expect(await distanceFromEnd(ada.page)).toBeLessThan(2);

      await scrollToTop(ada.page);
      const fresh = [1, 2, 3].map((n) => `Bob, while Ada reads back, ${n} of 3`);
      for (const text of fresh) await sendText(bob.page, text);
      const jump = jumpButton(ada.page);
      await eventually(async () => expect(await jump.textContent()).toContain('Jump to newest (3 new)'));
      expect(await jump.isVisible()).toBe(true);
      expect(await inViewport(ada.page, jump)).toBe(true);
      expect(await distanceFromEnd(ada.page)).toBeGreaterThan(100);
      // The divider stands before the first message that came while she read back.
      const lines = await rows(ada.page);
      expect(lines[rowOf(lines, fresh[0]) - 1]).toBe('New messages');

      await jump.click();
      await jump.waitFor({ state: 'hidden' });
      expect(await distanceFromEnd(ada.page)).toBeLessThan(2);
      expect(await inViewport(ada.page, ada.page.getByText(fresh[2], { exact: true }))).toBe(true);

      await scrollToTop(ada.page);
      await sendText(bob.page, 'Bob, one more');
      await eventually(async () => expect(await jump.textContent()).toContain('Jump to newest (1 new)'));
      await messageLog(ada.page).hover();
      await eventually(async () => {
        await ada.page.mouse.wheel(0, 2_000);
        expect(await distanceFromEnd(ada.page)).toBeLessThan(2);
      });
      await jump.waitFor({ state: 'hidden' });

      // Three of ours: each reaches Bob, and only the latest says so in words.
      const ours = [1, 2, 3].map((n) => `Ada's answer ${n} of 3`);
      for (const text of ours) await sendText(ada.page, text);
      await messageItem(ada.page, ours[2]).getByText('Delivered', { exact: true }).waitFor({ state: 'visible', timeout: 30_000 });
      await eventually(async () => {
        for (const text of ours) expect(await deliveryRecord(ada.page, text)).toBe('delivered');
      });
      for (const text of ours.slice(0, 2)) expect(await messageItemDescription(ada.page, text)).not.toMatch(/\b(Sending|Sent|Delivered)\b/);

      // A text too long: pasted, the box stops growing; the counter and Send stay in view; Send and Enter say why.
      const over = 123;
      const tooLong = 'A long letter. '.repeat(Math.ceil((MAX_TEXT_CHARS + over) / 15)).slice(0, MAX_TEXT_CHARS + over);
      const message = field(ada.page, 'Message');
      await ada.context.grantPermissions(['clipboard-read', 'clipboard-write']);
      await ada.page.evaluate((text) => navigator.clipboard.writeText(text), tooLong);
      await message.focus();
      await ada.page.keyboard.press('ControlOrMeta+V');
      await eventually(async () => expect((await message.inputValue()).length).toBe(tooLong.length));
      const reason = ada.page.getByText(`Too long by ${over} characters: shorten it to send.`, { exact: true });
      const counter = ada.page.getByText(`10,${over} / 10,000`, { exact: true });
      const send = ada.page.getByRole('button', { name: 'Send', exact: true });
      await reason.waitFor({ state: 'visible' });
      const box = await message.boundingBox();
      expect(box?.height).toBeLessThan(220);
      for (const shown of [reason, counter, send, message]) expect(await inViewport(ada.page, shown)).toBe(true);
      expect(await send.getAttribute('aria-disabled')).toBe('true');
      expect(await message.getAttribute('aria-invalid')).toBe('true');

      const before = await logLines(ada.page);
      await message.press('Enter');
      const alert = ada.page.getByRole('alert');
      await eventually(async () => expect(await alert.textContent()).toContain(`Not sent. Too long by ${over} characters: shorten it to send.`));
      // Send is marked unavailable (aria-disabled) yet focusable: pressing it says why again.
      const said = await alert.innerHTML();
      await send.focus();
      await ada.page.keyboard.press('Space');
      await eventually(async () => expect(await alert.innerHTML()).not.toBe(said));
      expect(await alert.textContent()).toContain(`Not sent. Too long by ${over} characters: shorten it to send.`);
      expect((await message.inputValue()).length).toBe(tooLong.length);
      expect(await logLines(ada.page)).toEqual(before);

      expect({ violations, console: cspConsoleMessages(ada) }).toEqual({ violations: [], console: [] });
    }, 180_000);

    it('hidden tab: "New messages" before what came meanwhile, until Ada writes; Yesterday and Today, moving on with the clock; axe finds nothing serious', async () => {
      let relay: WireRelay | undefined;
      let setHidden: ((hidden: boolean) => Promise<void>) | undefined;
      // Noon of this day on Ada's clock, running on from there, so that no midnight falls during the test.
      const noon = new Date();
      noon.setHours(12, 0, 0, 0);
      const {
        users: [ada, bob],
      } = await meetInRoom(
        app(),
        [
          {
            name: 'Ada',
            // Ada's page gets axe-core injected, which the app's CSP rightly forbids (the first test and the CSP spec cover it).
            options: { viewport, bypassCSP: true },
            before: async (user) => {
              await user.context.clock.setSystemTime(noon);
              relay = await WireRelay.between(user.page);
              setHidden = await emulateVisibility(user.page);
            },
          },
          { name: 'Bob', options: { viewport } },
        ],
        'Busy',
      );
      if (relay === undefined || setHidden === undefined) throw new Error('the relay and the visibility switch come with Ada');

      // The server stamps each message; the relay makes one look stamped a day earlier.
      let shift = 0;
      relay.rewrite = async (message) => [{ ...message, ts: message.ts - shift }];
      shift = DAY_MS;
      await sendText(bob.page, 'Bob, said yesterday');
      await waitForMessage(ada.page, 'Bob, said yesterday');
      shift = 0;
      await sendText(bob.page, 'Bob, said today');
      await waitForMessage(ada.page, 'Bob, said today');
      let lines = await rows(ada.page);
      expect(lines[rowOf(lines, 'Bob, said yesterday') - 1]).toBe('Yesterday');
      expect(lines[rowOf(lines, 'Bob, said today') - 1]).toBe('Today');
      // A new day: the run starts again, with the name.
      expect(await shownSender(ada.page, 'Bob, said today', 'Bob')).toBe(true);

      await sendText(ada.page, 'Ada, before she looks away');
      await setHidden(true);
      const meanwhile = ['Bob, while Ada is away, 1 of 2', 'Bob, while Ada is away, 2 of 2'];
      for (const text of meanwhile) await sendText(bob.page, text);
      await waitForMessage(ada.page, meanwhile[1]);
      await eventually(async () => expect(await ada.page.title()).toMatch(/^\(2\) /));
      await setHidden(false);
      await eventually(async () => expect(await ada.page.title()).not.toMatch(/^\(\d+\)/));
      lines = await rows(ada.page);
      expect(lines[rowOf(lines, meanwhile[0]) - 1]).toBe('New messages');
      expect(lines.filter((line) => line === 'New messages')).toHaveLength(1);
      expect(await ada.page.getByText('New messages', { exact: true }).isVisible()).toBe(true);
      expect(await jumpButton(ada.page).count()).toBe(0);

      // What axe sees with separators, the divider, grouped runs and a text too long in the composer.
      await field(ada.page, 'Message').fill('x'.repeat(MAX_TEXT_CHARS + 1));
      await ada.page.getByText('Too long by 1 character: shorten it to send.', { exact: true }).waitFor({ state: 'visible' });
      expect(await seriousViolations(ada.page)).toEqual([]);
      await field(ada.page, 'Message').fill('');

      // Having read, Ada answers: the divider goes.
      await sendText(ada.page, 'Ada, having read');
      await eventually(async () => expect(await rows(ada.page)).not.toContain('New messages'));

      // Her clock moves on a day (a laptop opened the next morning): today's lines are now yesterday's.
      await ada.context.clock.setSystemTime(noon.getTime() + DAY_MS);
      await setHidden(true);
      await setHidden(false);
      await eventually(async () => {
        const moved = await rows(ada.page);
        expect(moved[rowOf(moved, 'Bob, said today') - 1]).toBe('Yesterday');
        const older = moved[rowOf(moved, 'Bob, said yesterday') - 1];
        expect(older).not.toMatch(/^(Today|Yesterday)$/);
        expect(older).toMatch(/\d/);
      });
    }, 180_000);
  });
});
