import { joinRoom as joinOverHttp } from '../support/builders';
import { closeAllClients } from '../support/chat-client';
import { seriousViolations } from './support/axe';
import { recordCspViolations } from './support/csp-violations';
import { eventually } from './support/eventually';
import { type Guest, meetInRoom } from './support/meet-in-room';
import { actionsButton, actionsMenu, chooseAction, deleteForEveryone, focused, messageItem, reactionNames } from './support/message-actions';
import { NodeMember } from './support/node-member';
import { countMessages, field, logLines, messageLog, revealRoomActions, sendText, sendTexts, waitForMessage } from './support/pages';
import { fromPassword } from './support/room-secrets';
import { type BrowserUser, useBrowserApp } from './support/use-browser-app';
import type { Page } from 'playwright-core';

// Issue 15, point 2: Reply (a quote that leads to the original), Copy text, React (counts with who
// reacted, toggles), Delete for everyone (honoured by the others only from the message's own
// sender), by pointer, touch-sized layout and keyboard alone, and @name mentions that notify in
// "Mentions only". Real users in Chromium, end to end through the server (docs/protocol.md §3,
// "Message actions").

const THUMBS = '\u{1F44D}';
const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
];

/**
 * The OS notification surface, which headless Chromium does not have: a Notification that is
 * granted and records the titles it is asked to show (window.__notified).
 */
async function recordNotifications(user: BrowserUser): Promise<void> {
  await user.context.addInitScript(() => {
    const shown: string[] = [];
    (window as unknown as { __notified: string[] }).__notified = shown;
    class RecordedNotification {
      static readonly permission = 'granted';
      onclick: (() => void) | null = null;
      static async requestPermission(): Promise<string> {
        return 'granted';
      }
      constructor(title: string) {
        shown.push(title);
      }
      close(): void {
        // Nothing is on screen.
      }
    }
    Object.defineProperty(window, 'Notification', { configurable: true, writable: true, value: RecordedNotification });
  });
}

async function notified(page: Page): Promise<string[]> {
  return page.evaluate(() => [...(window as unknown as { __notified: string[] }).__notified]);
}

/**
 * The tab goes to the background. Playwright keeps every page it drives visible (headless
 * Chromium has no background tabs, microsoft/playwright#3570), so the page is told so as the
 * browser would: document.hidden and visibilityState, then a visibilitychange.
 */
async function sendToBackground(page: Page): Promise<void> {
  await page.evaluate(() => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

/** True when the message `text` lies inside the visible part of the log. */
async function inView(page: Page, text: string): Promise<boolean> {
  return messageItem(page, text).evaluate((item) => {
    const log = item.closest('[role="log"]')?.getBoundingClientRect();
    const box = item.getBoundingClientRect();
    return log !== undefined && box.top >= log.top - 1 && box.bottom <= log.bottom + 1;
  });
}

/** Waits until the focused element's accessible name is `name` (a menu or dialog that opens focuses after it renders). */
async function focusReaches(page: Page, name: string): Promise<void> {
  await eventually(async () => expect((await focused(page)).name).toBe(name));
}

/** Waits until the message field has the focus. */
async function focusInComposer(page: Page): Promise<void> {
  await eventually(async () => expect((await focused(page)).id).toBe('composer-message'));
}

/** Presses Tab from the log until the "Message actions" button of the message `text` has the focus. */
async function tabToActions(page: Page, text: string): Promise<void> {
  await messageLog(page).focus();
  for (let presses = 0; presses < 60; presses++) {
    await page.keyboard.press('Tab');
    const there = await page.evaluate((wanted) => {
      const active = document.activeElement;
      const item = active?.closest('li');
      const body = item?.querySelector('app-message-text')?.textContent?.trim();
      return active?.getAttribute('aria-label') === 'Message actions' && body === wanted;
    }, text);
    if (there) return;
  }
  throw new Error(`Tab never reached the actions of "${text}"`);
}

describe('Message actions (real Chromium)', () => {
  const app = useBrowserApp();

  afterEach(() => closeAllClients());

  describe.each(VIEWPORTS)('at $width x $height', (viewport) => {
    /**
     * Ada and Bob in Chromium at this size, each in a context of their own (Bob's with `bob`'s
     * options and hook); unless the CSP is bypassed, the CSP violations each page reports.
     */
    async function adaAndBob(bob: Partial<Guest> = {}, extra: { bypassCSP?: boolean } = {}) {
      const options = { viewport, ...extra };
      const csp: string[][] = [];
      const watch = async (user: BrowserUser) => {
        if (!extra.bypassCSP) csp.push(await recordCspViolations(user));
      };
      const meeting = await meetInRoom(
        app(),
        [
          { name: 'Ada', options, before: watch },
          {
            name: 'Bob',
            options: { ...options, ...bob.options },
            before: async (user) => {
              await watch(user);
              await bob.before?.(user);
            },
          },
        ],
        'Actions',
      );
      const [ada, bobUser] = meeting.users;
      return { ...meeting, ada, bob: bobUser, csp };
    }

    it('replies with a quote that leads to the original, and copies a message\'s text', async () => {
      const { ada, bob, csp } = await adaAndBob({ options: { permissions: ['clipboard-write'] } });
      const original = 'Shall we meet at the station at nine?';
      await sendText(ada.page, original);
      await sendTexts(ada.page, Array.from({ length: 8 }, (_, n) => `filler line ${n + 1} so that the original scrolls away`));
      await waitForMessage(bob.page, 'filler line 8 so that the original scrolls away');

      // The page may write the clipboard, not read it (Permissions-Policy clipboard-read=()): Bob pastes it instead.
      await chooseAction(bob.page, original, 'Copy text');
      await bob.page.getByText('Copied.', { exact: true }).waitFor();
      await field(bob.page, 'Message').focus();
      await bob.page.keyboard.press('ControlOrMeta+V');
      expect(await field(bob.page, 'Message').inputValue()).toBe(original);
      await field(bob.page, 'Message').fill('');

      await chooseAction(bob.page, original, 'Reply');
      await bob.page.getByText(`Replying to Ada: ${original}`, { exact: true }).waitFor();
      await focusInComposer(bob.page);
      await bob.page.keyboard.type('Yes, nine works');
      await bob.page.keyboard.press('Enter');
      await waitForMessage(ada.page, 'Yes, nine works');

      expect(await bob.page.getByText(/^Replying to/).count()).toBe(0);
      const quoteForAda = messageItem(ada.page, 'Yes, nine works').getByRole('button', { name: `In reply to You: ${original}`, exact: true });
      await messageItem(bob.page, 'Yes, nine works').getByRole('button', { name: `In reply to Ada: ${original}`, exact: true }).waitFor();
      expect(await inView(ada.page, original)).toBe(false);

      await quoteForAda.click();
      await eventually(async () => expect(await inView(ada.page, original)).toBe(true));
      const target = await messageItem(ada.page, original).evaluate((item) => ({ focused: document.activeElement === item, highlighted: item.classList.contains('jumped') }));
      expect(target).toEqual({ focused: true, highlighted: true });
      expect(csp).toEqual([[], []]);
    }, 150_000);

    it('counts reactions with who reacted, toggles ours, and deletes for everyone; another member\'s delete of someone else\'s message is not honoured', async () => {
      const { room, password, ada, bob, csp } = await adaAndBob();
      const holder = await fromPassword(app().server, room, password);
      const mal = await NodeMember.connect(app().server, await joinOverHttp(app().server, { room, verifier: holder.verifier, kdf: holder.kdf }, { username: 'Mal' }), holder);
      await mal.say('Mal is here too');
      await waitForMessage(ada.page, 'Mal is here too');
      await waitForMessage(bob.page, 'Mal is here too');

      const liked = 'The slides are ready';
      await sendTexts(ada.page, [liked]);
      await waitForMessage(bob.page, liked);
      await chooseAction(bob.page, liked, `React with thumbs up`);
      await eventually(async () => expect(await reactionNames(ada.page, liked)).toEqual([`${THUMBS} 1: Bob`]));
      expect(await reactionNames(bob.page, liked)).toEqual([`${THUMBS} 1: You`]);
      expect(await messageItem(bob.page, liked).getByRole('button', { name: `${THUMBS} 1: You`, exact: true }).getAttribute('aria-pressed')).toBe('true');

      // Ada adds hers with the toggle under the message; Bob takes his back with his.
      await messageItem(ada.page, liked).getByRole('button', { name: `${THUMBS} 1: Bob`, exact: true }).click();
      await eventually(async () => expect(await reactionNames(bob.page, liked)).toEqual([`${THUMBS} 2: You, Ada`]));
      expect(await reactionNames(ada.page, liked)).toEqual([`${THUMBS} 2: Bob, You`]);
      await messageItem(bob.page, liked).getByRole('button', { name: `${THUMBS} 2: You, Ada`, exact: true }).click();
      await eventually(async () => expect(await reactionNames(ada.page, liked)).toEqual([`${THUMBS} 1: You`]));
      await eventually(async () => expect(await reactionNames(bob.page, liked)).toEqual([`${THUMBS} 1: Ada`]));

      // Mal holds the password and is a member: it signs a delete of Bob's message under its own name.
      const kept = 'Bob keeps this one';
      await sendTexts(bob.page, [kept]);
      await mal.waitForText(`Bob: ${kept}`);
      const keptId = mal.idOf('Bob', kept);
      if (keptId === undefined) throw new Error('Mal never saw Bob\'s message');
      await mal.send({ kind: 'delete', to: keptId });
      await mal.say('Mal tried to delete it');
      for (const page of [ada.page, bob.page]) {
        await waitForMessage(page, 'Mal tried to delete it');
        expect(await countMessages(page, kept)).toBe(1);
        expect((await logLines(page)).some((line) => /Message deleted|could not be decrypted|signature/.test(line))).toBe(false);
      }

      // Ada deletes her own message: everyone's list drops it.
      const typo = 'Meeting moved to Tuesdya';
      await sendTexts(ada.page, [typo]);
      await waitForMessage(bob.page, typo);
      await deleteForEveryone(ada.page, typo);
      for (const page of [ada.page, bob.page]) {
        await eventually(async () => expect(await countMessages(page, typo)).toBe(0));
        expect((await logLines(page)).filter((line) => line.includes('Message deleted'))).toHaveLength(1);
      }
      await eventually(async () => expect(mal.events.some((event) => event.type === 'message' && event.from === 'Ada' && event.message.kind === 'delete')).toBe(true));
      expect(csp).toEqual([[], []]);
    }, 150_000);

    it('is used with the keyboard alone: Tab to the button, Enter, Space and arrows, Escape back, reply, delete with its question', async () => {
      const { ada, bob, csp } = await adaAndBob();
      const asked = 'Who brings the projector?';
      await sendTexts(ada.page, [asked]);
      await waitForMessage(bob.page, asked);

      await tabToActions(bob.page, asked);
      await bob.page.keyboard.press('Enter');
      await actionsMenu(bob.page).waitFor();
      await focusReaches(bob.page, 'Reply');
      await bob.page.keyboard.press('ArrowDown');
      expect((await focused(bob.page)).name).toBe('Copy text');
      await bob.page.keyboard.press('ArrowDown');
      expect((await focused(bob.page)).name).toBe('React with thumbs up');
      await bob.page.keyboard.press('Enter');
      await actionsMenu(bob.page).waitFor({ state: 'detached' });
      await eventually(async () => expect(await focused(bob.page)).toEqual({ name: 'Message actions', id: '', expanded: 'false' }));
      await eventually(async () => expect(await reactionNames(ada.page, asked)).toEqual([`${THUMBS} 1: Bob`]));

      await bob.page.keyboard.press(' ');
      await actionsMenu(bob.page).waitFor();
      await focusReaches(bob.page, 'Reply');
      await bob.page.keyboard.press('Escape');
      await actionsMenu(bob.page).waitFor({ state: 'detached' });
      expect((await focused(bob.page)).name).toBe('Message actions');

      await bob.page.keyboard.press('ArrowUp');
      await focusReaches(bob.page, 'React with party popper');
      await bob.page.keyboard.press('Home');
      expect((await focused(bob.page)).name).toBe('Reply');
      await bob.page.keyboard.press('Enter');
      await focusInComposer(bob.page);
      await bob.page.keyboard.type('I will');
      await bob.page.keyboard.press('Enter');
      await waitForMessage(ada.page, 'I will');
      await messageItem(ada.page, 'I will').getByRole('button', { name: `In reply to You: ${asked}`, exact: true }).waitFor();
      await eventually(async () => expect(await messageItem(bob.page, 'I will').textContent()).toMatch(/Sent|Delivered/));

      await tabToActions(bob.page, 'I will');
      await bob.page.keyboard.press('Enter');
      await focusReaches(bob.page, 'Reply');
      await bob.page.keyboard.press('End');
      expect((await focused(bob.page)).name).toBe('Delete for everyone');
      await bob.page.keyboard.press('Enter');
      const question = bob.page.getByRole('dialog', { name: 'Delete this message for everyone?', exact: true });
      await question.waitFor();
      await focusReaches(bob.page, 'Cancel');
      await bob.page.keyboard.press('Shift+Tab');
      expect((await focused(bob.page)).name).toBe('Delete for everyone');
      await bob.page.keyboard.press('Enter');
      await eventually(async () => expect(await countMessages(ada.page, 'I will')).toBe(0));
      expect((await logLines(ada.page)).some((line) => line.includes('Message deleted'))).toBe(true);
      expect(csp).toEqual([[], []]);
    }, 150_000);

    it('highlights @name and notifies the member it names in "Mentions only", and no one for other messages', async () => {
      const { ada, bob, csp } = await adaAndBob({ before: recordNotifications });
      await field(bob.page, 'Message').waitFor();
      await revealRoomActions(bob.page);
      await bob.page.getByLabel('Notify me', { exact: true }).selectOption({ label: 'Mentions only' });
      await sendToBackground(bob.page);

      await sendTexts(ada.page, ['Lunch is ready']);
      await waitForMessage(bob.page, 'Lunch is ready');
      expect(await notified(bob.page)).toEqual([]);

      await sendTexts(ada.page, ['@bob could you bring the slides?']);
      await waitForMessage(bob.page, '@bob could you bring the slides?');
      await eventually(async () => expect(await notified(bob.page)).toEqual(['You were mentioned in CipherNest']));
      const mention = messageItem(bob.page, '@bob could you bring the slides?').locator('.mention');
      expect(await mention.evaluateAll((nodes) => nodes.map((node) => [node.textContent, node.classList.contains('me')]))).toEqual([['@bob', true]]);
      expect(await messageItem(ada.page, '@bob could you bring the slides?').locator('.mention').textContent()).toBe('@bob');

      await bob.page.getByLabel('Notify me', { exact: true }).selectOption({ label: 'All messages' });
      await sendTexts(ada.page, ['Thanks!']);
      await eventually(async () => expect(await notified(bob.page)).toEqual(['You were mentioned in CipherNest', 'New message in CipherNest']));
      expect(csp).toEqual([[], []]);
    }, 150_000);

    it('has no serious or critical accessibility violation with a reply, reactions, a deleted message and the menu open', async () => {
      // axe is injected as an inline script, which the app's CSP rightly forbids; the other tests check the CSP.
      const { ada, bob } = await adaAndBob({}, { bypassCSP: true });
      await sendTexts(ada.page, ['Plan for Friday @Bob', 'Oops, wrong room']);
      await waitForMessage(bob.page, 'Oops, wrong room');
      await chooseAction(bob.page, 'Plan for Friday @Bob', 'React with party popper');
      await chooseAction(bob.page, 'Plan for Friday @Bob', 'Reply');
      await sendText(bob.page, 'Count me in');
      await deleteForEveryone(ada.page, 'Oops, wrong room');
      await eventually(async () => expect(await countMessages(bob.page, 'Oops, wrong room')).toBe(0));

      await actionsButton(bob.page, 'Plan for Friday @Bob').click();
      await actionsMenu(bob.page).waitFor();
      expect(await seriousViolations(bob.page)).toEqual([]);
      await bob.page.keyboard.press('Escape');
      await chooseAction(bob.page, 'Count me in', 'Delete for everyone');
      await bob.page.getByRole('dialog', { name: 'Delete this message for everyone?', exact: true }).waitFor();
      expect(await seriousViolations(bob.page)).toEqual([]);
    }, 150_000);
  });
});
