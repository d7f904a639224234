import type { BrowserContextOptions, Locator, Page } from 'playwright-core';
import { seriousViolations } from './support/axe';
import { cspConsoleMessages, recordCspViolations } from './support/csp-violations';
import { eventually } from './support/eventually';
import {
  button,
  createRoom,
  field,
  joinRoom,
  leaveChat,
  memberList,
  memberStatus,
  messageLog,
  pathOf,
  sendText,
  uniquePassword,
  uniqueRoom,
  waitForMessage,
} from './support/pages';
import {
  DESKTOP,
  PHONE,
  PHONE_WITH_KEYBOARD,
  boxOf,
  encryptionStateButton,
  membersButton,
  membersDrawer,
  openMembersDrawer,
  roomActionsButton,
  showRoomActions,
} from './support/phone-pages';
import { closeSafetyNumber, safetyNumberDialog, verifyButton } from './support/safety-number-pages';
import { useBrowserApp, type BrowserApp, type BrowserUser } from './support/use-browser-app';

// Issue 15, point 4: at 390x844 the list of messages started 355 px down and was 340 px tall
// (site menu, room title, the note, two buttons and the members above it); with the keyboard open
// about 190 px of it showed; a 32-character name wrapped its row in the member list.

/** The longest username there is (USERNAME_MAX), one word, so nothing but an ellipsis can shorten it. */
const LONG_NAME = 'Wolfeschlegelsteinhausenbergerdo';

/** A room of people: the first, on a phone, creates it; the others join from a desktop. */
interface PhoneRoom {
  room: string;
  phone: BrowserUser;
  others: BrowserUser[];
  /** CSP violations the phone's tab reported. */
  violations: string[];
}

async function meetWithPhone(app: BrowserApp, names: readonly string[], options: { prefix?: string; phone?: BrowserContextOptions } = {}): Promise<PhoneRoom> {
  const [first, ...rest] = names;
  const room = uniqueRoom(options.prefix ?? 'Phone');
  const password = uniquePassword();
  const phone = await app.newUser({ viewport: PHONE, ...options.phone });
  const violations = await recordCspViolations(phone);
  await createRoom(phone.page, { room, user: first, password });
  const others: BrowserUser[] = [];
  for (const name of rest) {
    const other = await app.newUser();
    await joinRoom(other.page, { room, user: name, password });
    others.push(other);
  }
  await eventually(async () => {
    for (const other of others) for (const name of names) expect(await memberStatus(other.page, name)).toBe('online');
    expect(await membersButton(phone.page).textContent()).toContain(String(names.length));
  });
  return { room, phone, others, violations };
}

async function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element === document.activeElement);
}

/** Presses Tab until `target` has focus; fails after `limit` presses. */
async function tabTo(page: Page, target: Locator, limit = 30): Promise<void> {
  for (let presses = 0; presses <= limit; presses++) {
    if (await isFocused(target)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${target.toString()} never got focus after ${limit} presses of Tab`);
}

/** The document's own scroll height: equal to the viewport's when only the conversation scrolls. */
async function documentHeight(page: Page): Promise<number> {
  return page.evaluate(() => document.scrollingElement?.scrollHeight ?? 0);
}

/** True when the element's text is cut: it is wider than its box and ends in an ellipsis. */
async function truncated(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element.scrollWidth > element.clientWidth && getComputedStyle(element).textOverflow === 'ellipsis');
}

/** A computed line-height in px ("normal" counts as 1.2 of a 16 px font, more than any line here needs). */
function lineHeightOf(computed: string): number {
  return computed === 'normal' ? 19.2 : parseFloat(computed);
}

/** The member list's row for `name`. */
function memberRow(page: Page, name: string): Locator {
  return memberList(page).getByRole('listitem').filter({ has: page.locator('.name').getByText(name, { exact: true }) });
}

async function expectNoCspViolation(user: BrowserUser, violations: string[]): Promise<void> {
  expect({ violations, console: cspConsoleMessages(user) }).toEqual({ violations: [], console: [] });
}

describe('Phone layout (issue 15 point 4, real Chromium at 390x844 and 1280x800)', () => {
  const app = useBrowserApp();

  it('at 390x844 the conversation takes most of the height under a one-line bar; at 1280x800 the members stay beside it', async () => {
    const { phone, others, violations } = await meetWithPhone(app(), ['Ada', 'Bob']);
    const { page } = phone;
    await sendText(others[0].page, 'Hello from the desktop');
    await waitForMessage(page, 'Hello from the desktop');

    const log = await boxOf(messageLog(page));
    expect(log.y).toBeLessThanOrEqual(130);
    expect(log.height).toBeGreaterThanOrEqual(550);
    // No site menu above the room, and nothing but the conversation scrolls.
    expect(await page.getByRole('navigation', { name: 'Main', exact: true }).isVisible()).toBe(false);
    expect(await documentHeight(page)).toBeLessThanOrEqual(PHONE.height);
    // The bar is one line: the room's name, its state and the buttons side by side.
    const title = await boxOf(page.getByRole('heading', { level: 1 }));
    for (const control of [encryptionStateButton(page), membersButton(page), roomActionsButton(page)]) {
      const box = await boxOf(control);
      expect(Math.abs(box.y + box.height / 2 - (title.y + title.height / 2))).toBeLessThan(4);
    }
    // The composer at the bottom, under the conversation, in view.
    const message = await boxOf(field(page, 'Message'));
    const send = await boxOf(button(page, 'Send'));
    expect(message.y).toBeGreaterThanOrEqual(log.y + log.height);
    expect(send.y + send.height).toBeLessThanOrEqual(PHONE.height);

    await page.setViewportSize(DESKTOP);
    await memberList(page).waitFor({ state: 'visible' });
    const wideLog = await boxOf(messageLog(page));
    const members = await boxOf(memberList(page));
    expect(members.x).toBeGreaterThanOrEqual(wideLog.x + wideLog.width);
    expect(members.y).toBeLessThan(wideLog.y + wideLog.height);
    expect(wideLog.height).toBeGreaterThanOrEqual(400);
    expect(await membersButton(page).count()).toBe(0);
    expect(await page.getByRole('navigation', { name: 'Main', exact: true }).isVisible()).toBe(true);
    expect(await page.getByText('End-to-end encrypted. To be sure', { exact: false }).isVisible()).toBe(true);
    await expectNoCspViolation(phone, violations);
  }, 90_000);

  it('"Members" opens the drawer by keyboard and by touch; Escape closes it and gives focus back; Verify works from it', async () => {
    const { phone, violations } = await meetWithPhone(app(), ['Ada', 'Bob'], { prefix: 'Drawer', phone: { hasTouch: true } });
    const { page } = phone;
    const drawer = membersDrawer(page);
    expect(await membersButton(page).innerText()).toMatch(/^Members\s*2$/);
    expect(await drawer.isVisible()).toBe(false);

    // Keyboard: Tab to it, Enter; focus goes into the drawer, Escape brings it back.
    await tabTo(page, membersButton(page));
    await page.keyboard.press('Enter');
    await drawer.waitFor({ state: 'visible' });
    expect(await drawer.evaluate((element) => element.contains(document.activeElement))).toBe(true);
    expect(await memberList(page).getByRole('listitem').count()).toBe(2);
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    expect(await isFocused(membersButton(page))).toBe(true);

    // Touch: tap it open, Verify a member there; the safety number opens over the drawer.
    await membersButton(page).tap();
    await drawer.waitFor({ state: 'visible' });
    await verifyButton(page, 'Bob').tap();
    const dialog = safetyNumberDialog(page, 'Bob');
    await dialog.getByRole('group', { name: 'Safety number as digits', exact: true }).waitFor({ state: 'visible', timeout: 30_000 });
    await closeSafetyNumber(page, 'Bob');
    expect(await drawer.isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    expect(await isFocused(membersButton(page))).toBe(true);

    // A tap beside the drawer (on its backdrop) closes it too.
    await membersButton(page).tap();
    await drawer.waitFor({ state: 'visible' });
    await page.touchscreen.tap(12, PHONE.height / 2);
    await drawer.waitFor({ state: 'hidden' });
    await expectNoCspViolation(phone, violations);
  }, 120_000);

  it('a 32-character name stays on one line, cut with an ellipsis, whole in its title and its text; so does a long room name in the bar', async () => {
    const {
      room,
      phone,
      others: [bob, long],
      violations,
    } = await meetWithPhone(app(), ['Ada', 'Bob', LONG_NAME], { prefix: 'A room whose name is far too long for a phone' });
    const { page } = phone;

    // The bar: the room's name on one line, cut, whole in its title and its text.
    const title = page.getByRole('heading', { level: 1 });
    expect(await title.textContent()).toBe(room);
    expect(await title.getAttribute('title')).toBe(room);
    expect(await truncated(title)).toBe(true);
    const lineHeight = lineHeightOf(await title.evaluate((element) => getComputedStyle(element).lineHeight));
    expect((await boxOf(title)).height).toBeLessThan(lineHeight * 1.5);

    // The drawer: the long name's row is as tall as Bob's, and its name is whole where it counts.
    await openMembersDrawer(page);
    const longName = memberRow(page, LONG_NAME).locator('.name');
    expect(await truncated(longName)).toBe(true);
    expect(await longName.getAttribute('title')).toBe(LONG_NAME);
    expect(await verifyButton(page, LONG_NAME).count()).toBe(1);
    expect((await boxOf(memberRow(page, LONG_NAME))).height).toBe((await boxOf(memberRow(page, 'Bob'))).height);

    // 1280x800: beside the conversation, the same (Ada's row, with its creator tag, is no taller).
    expect((await boxOf(memberRow(bob.page, LONG_NAME))).height).toBe((await boxOf(memberRow(bob.page, 'Ada'))).height);
    expect(await truncated(memberRow(bob.page, LONG_NAME).locator('.name'))).toBe(true);
    // And in the long name's own tab, beside "(you)".
    const own = memberRow(long.page, LONG_NAME).locator('.name');
    expect(await truncated(own)).toBe(true);
    expect(await own.getAttribute('title')).toBe(LONG_NAME);
    expect((await boxOf(own)).height).toBeLessThan(lineHeightOf(await own.evaluate((element) => getComputedStyle(element).lineHeight)) * 1.5);
    await expectNoCspViolation(phone, violations);
  }, 120_000);

  it('with the on-screen keyboard open (390x480) the composer stays in view and the conversation keeps its room', async () => {
    const {
      phone,
      others: [bob],
      violations,
    } = await meetWithPhone(app(), ['Ada', 'Bob'], { prefix: 'Keyboard' });
    const { page } = phone;
    for (const text of ['one', 'two', 'three']) await sendText(bob.page, `Line ${text} from Bob`);
    await waitForMessage(page, 'Line three from Bob');

    await field(page, 'Message').focus();
    await page.setViewportSize(PHONE_WITH_KEYBOARD);
    await eventually(async () => expect(await documentHeight(page)).toBeLessThanOrEqual(PHONE_WITH_KEYBOARD.height));
    for (const control of [field(page, 'Message'), button(page, 'Send')]) {
      const box = await boxOf(control);
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height).toBeLessThanOrEqual(PHONE_WITH_KEYBOARD.height);
    }
    const log = await boxOf(messageLog(page));
    expect(log.height).toBeGreaterThanOrEqual(150);

    await page.keyboard.type('Typed with the keyboard open');
    await page.keyboard.press('Enter');
    await waitForMessage(bob.page, 'Typed with the keyboard open');
    // The newest line is in view, inside the log.
    const newest = await boxOf(messageLog(page).getByText('Typed with the keyboard open', { exact: true }));
    expect(newest.y).toBeGreaterThanOrEqual(log.y);
    expect(newest.y + newest.height).toBeLessThanOrEqual(log.y + log.height);
    await expectNoCspViolation(phone, violations);
  }, 90_000);

  it('the bar\'s "End-to-end encrypted" shows the note, and "Room actions" shows Leave chat, which works', async () => {
    const { phone, violations } = await meetWithPhone(app(), ['Ada', 'Bob'], { prefix: 'Bar' });
    const { page } = phone;
    const note = page.getByText('End-to-end encrypted. To be sure no one in between holds the keys', { exact: false });
    expect(await note.count()).toBe(0);
    await encryptionStateButton(page).click();
    await note.waitFor({ state: 'visible' });
    expect(await encryptionStateButton(page).getAttribute('aria-expanded')).toBe('true');
    await encryptionStateButton(page).click();
    await note.waitFor({ state: 'detached' });

    expect(await button(page, 'Leave chat').isVisible()).toBe(false);
    await showRoomActions(page);
    expect(await roomActionsButton(page).getAttribute('aria-expanded')).toBe('true');
    await button(page, 'Leave chat').waitFor({ state: 'visible' });
    await leaveChat(page);
    expect(pathOf(page)).toBe('/');
    await expectNoCspViolation(phone, violations);
  }, 90_000);

  describe.each(['light', 'dark'] as const)('%s theme', (colorScheme) => {
    it('the compact bar, its note and actions, and the open drawer have no serious or critical axe finding', async () => {
      // axe is injected as an inline script, which the app's CSP rightly forbids; the tests above watch the CSP.
      const { phone } = await meetWithPhone(app(), ['Ada', LONG_NAME], { prefix: 'Axe', phone: { colorScheme, bypassCSP: true } });
      const { page } = phone;
      expect(await seriousViolations(page)).toEqual([]);
      await encryptionStateButton(page).click();
      await showRoomActions(page);
      expect(await seriousViolations(page)).toEqual([]);
      await openMembersDrawer(page);
      expect(await seriousViolations(page)).toEqual([]);
    }, 90_000);
  });
});
