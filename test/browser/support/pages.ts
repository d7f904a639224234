import { randomBytes } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { eventually } from './eventually';
import { membersButton, roomActionsButton, showRoomActions } from './phone-pages';

/** The accessible names the app promises (docs/web-client.md); every locator here goes through them. */
export type FieldLabel = 'Room name' | 'Username' | 'Password' | 'Message' | 'Attach image' | 'Attach file';
export type ButtonName =
  | 'Create room'
  | 'Join room'
  | 'Send'
  | 'Leave chat'
  | 'Leave and erase'
  | 'Stay'
  | 'Copy invite link'
  | 'Show QR code'
  | 'Mark as verified'
  | 'Close';

export interface Credentials {
  room: string;
  user: string;
  password: string;
}

/** A room name no other test uses (letters, digits and a space: valid under docs/protocol.md §1). */
export function uniqueRoom(prefix = 'Room'): string {
  return `${prefix} ${randomBytes(4).toString('hex')}`;
}

/** A password of the allowed length with some non-ASCII, different for every call. */
export function uniquePassword(): string {
  return `correct horse ${randomBytes(6).toString('hex')} Grüße`;
}

export function field(page: Page, label: FieldLabel): Locator {
  return page.getByLabel(label, { exact: true });
}

export function button(page: Page, name: ButtonName): Locator {
  return page.getByRole('button', { name, exact: true });
}

export function messageLog(page: Page): Locator {
  return page.getByRole('log', { name: 'Messages', exact: true });
}

/** The list named "Members": beside the conversation, or (on a phone) in the Members drawer once it is open. */
export function memberList(page: Page): Locator {
  return page.getByRole('list', { name: 'Members', exact: true });
}

/**
 * What says that the end-to-end layer is open (until then a status says the key is being
 * opened): the note, or on a phone the compact bar's "End-to-end encrypted" button that shows it.
 */
export function encryptionNote(page: Page): Locator {
  return page
    .getByText('End-to-end encrypted.', { exact: false })
    .or(page.getByRole('button', { name: 'End-to-end encrypted', exact: true }))
    .first();
}

export function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

export async function waitForPath(page: Page, path: string, timeout = 20_000): Promise<void> {
  await page.waitForURL((url) => url.pathname === path, { timeout });
}

/** Fills the three fields of /create or /login (whichever page is open). */
export async function fillRoomForm(page: Page, credentials: Credentials): Promise<void> {
  await field(page, 'Room name').fill(credentials.room);
  await field(page, 'Username').fill(credentials.user);
  await field(page, 'Password').fill(credentials.password);
}

/** Creates a room from /create and resolves once its chat is open. */
export async function createRoom(page: Page, credentials: Credentials): Promise<void> {
  await page.goto('/create');
  await fillRoomForm(page, credentials);
  await button(page, 'Create room').click();
  return waitForChat(page);
}

/** Joins a room from /login and resolves once its chat is open. */
export async function joinRoom(page: Page, credentials: Credentials): Promise<void> {
  await page.goto('/login');
  await fillRoomForm(page, credentials);
  await button(page, 'Join room').click();
  return waitForChat(page);
}

/** Waits for /chat with the message field and its end-to-end layer open (docs/protocol.md §3.1). */
export async function waitForChat(page: Page): Promise<void> {
  await waitForPath(page, '/chat', 30_000);
  await field(page, 'Message').waitFor({ state: 'visible' });
  await encryptionNote(page).waitFor({ state: 'visible', timeout: 20_000 });
}

/** Types `text` into Message, presses Enter, and waits until the sender's own log shows it. */
export async function sendText(page: Page, text: string): Promise<void> {
  const input = field(page, 'Message');
  await input.fill(text);
  await input.press('Enter');
  await waitForMessage(page, text);
}

/** Sends `texts` one after the other, then waits until the server has acknowledged each (sent or delivered). */
export async function sendTexts(page: Page, texts: readonly string[]): Promise<void> {
  for (const text of texts) await sendText(page, text);
  await eventually(async () => {
    for (const text of texts) expect(['sent', 'delivered']).toContain(await deliveryRecord(page, text));
  });
}

/** Waits until the log shows a message whose text is exactly `text`. */
export async function waitForMessage(page: Page, text: string, timeout = 15_000): Promise<void> {
  await messageLog(page).getByText(text, { exact: true }).first().waitFor({ state: 'visible', timeout });
}

/** The log's item of the message whose body reads exactly `text`. */
export function messageItem(page: Page, text: string): Locator {
  return messageLog(page).getByRole('listitem').filter({ has: page.getByText(text, { exact: true }) });
}

/**
 * Where one of our messages stands by this tab's record (pending, sent, delivered, failed; others'
 * messages are received), which each message's item carries as data-delivery. The list says it
 * in words only on our latest acknowledged message and on any sending or not sent, so a test asks
 * here about an earlier one.
 */
export async function deliveryRecord(page: Page, text: string): Promise<string | null> {
  return messageItem(page, text).first().getAttribute('data-delivery');
}

/** This tab's record of each of our messages, in the log's order (see {@link deliveryRecord}): text or image alike. */
export async function ownDeliveryRecords(page: Page): Promise<string[]> {
  const records = await messageLog(page)
    .locator('[data-delivery]')
    .evaluateAll((items) => items.map((item) => item.getAttribute('data-delivery') ?? ''));
  return records.filter((record) => record !== 'received');
}

/** How many messages in the log read exactly `text`. */
export async function countMessages(page: Page, text: string): Promise<number> {
  return messageLog(page).getByText(text, { exact: true }).count();
}

/**
 * Which of `texts` the log shows, in the log's order, each as often as it is shown: a message
 * whose body reads exactly one of them counts as that text. Equal to `texts` when every one
 * shows once and in that order.
 */
export async function shownInOrder(page: Page, texts: readonly string[]): Promise<string[]> {
  return messageLog(page).evaluate((log, wanted) => {
    const bodies = (item: Element) => Array.from(item.querySelectorAll('*')).map((node) => (node.textContent ?? '').trim());
    return Array.from(log.querySelectorAll('li')).flatMap((item) => bodies(item).filter((text) => wanted.includes(text)).slice(0, 1));
  }, texts);
}

/** The banner that says how the connection stands (empty while it is up). */
export function connectionBanner(page: Page): Locator {
  return page.locator('app-connection-banner [role="status"]');
}

/**
 * The log's entries (messages and system lines), each as its text nodes joined by spaces, so
 * that "Bob left" and its time stay separate words.
 */
export async function logLines(page: Page): Promise<string[]> {
  return messageLog(page).evaluate((log) => {
    const items = Array.from(log.querySelectorAll('li, [role="listitem"], article'));
    return (items.length > 0 ? items : [log]).map((item) => {
      const parts: string[] = [];
      const walker = document.createTreeWalker(item, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) parts.push(node.textContent ?? '');
      return parts.join(' ').replace(/\s+/g, ' ').trim();
    });
  });
}

/** True when one of `lines` names `name` and matches `pattern` ("Ada left", "Ada timed out"). */
export function mentions(lines: readonly string[], name: string, pattern: RegExp): boolean {
  return lines.some((line) => line.includes(name) && pattern.test(line));
}

/**
 * Everything the message item that holds `text` says about itself: its text, and the
 * aria-label and title of it and its descendants (a status is often an icon with a label).
 */
export async function messageItemDescription(page: Page, text: string): Promise<string> {
  const body = messageLog(page).getByText(text, { exact: true }).first();
  return body.evaluate((element) => {
    const log = element.closest('[role="log"]');
    let item: Element = element;
    while (item.parentElement && item.parentElement !== log && !item.matches('li, article, [role="listitem"], [role="article"]')) {
      item = item.parentElement;
    }
    const parts: string[] = [];
    const walker = document.createTreeWalker(item, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) parts.push(node.textContent ?? '');
    for (const node of [item, ...Array.from(item.querySelectorAll('*'))]) {
      parts.push(node.getAttribute('aria-label') ?? '', node.getAttribute('title') ?? '');
    }
    return parts.join(' ').replace(/\s+/g, ' ').trim();
  });
}

/** The members the list shows, with the status each row states ("online"/"away"), by name. */
export async function members(page: Page): Promise<Record<string, 'online' | 'away' | 'unknown'>> {
  const list = memberList(page);
  // On a phone the list is in the Members drawer: opened to read it, then closed again.
  const drawer = membersButton(page);
  const opened = !(await list.isVisible()) && (await drawer.isVisible());
  if (opened) await drawer.click();
  await list.waitFor({ state: 'visible' });
  const shown = await list.evaluate((element) => {
    // Text node by text node, so that adjacent spans ("Ada" "online") stay separate words.
    const words = (node: Element): string => {
      const parts: string[] = [];
      const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
      for (let text = walker.nextNode(); text; text = walker.nextNode()) parts.push(text.textContent ?? '');
      for (const labelled of [node, ...Array.from(node.querySelectorAll('*'))]) {
        parts.push(labelled.getAttribute('aria-label') ?? '', labelled.getAttribute('title') ?? '');
      }
      return parts.join(' ').replace(/\s+/g, ' ').trim();
    };
    const result: Record<string, 'online' | 'away' | 'unknown'> = {};
    for (const row of Array.from(element.querySelectorAll('li, [role="listitem"]'))) {
      const said = words(row);
      const status = /\baway\b/i.test(said) ? 'away' : /\bonline\b/i.test(said) ? 'online' : 'unknown';
      const nameNode = row.querySelector('.name, [data-member-name]');
      result[(nameNode?.textContent ?? said).trim()] = status;
    }
    return result;
  });
  if (opened) await page.keyboard.press('Escape');
  return shown;
}

/** The status the member list shows for `name`, or undefined when `name` is not listed. */
export async function memberStatus(page: Page, name: string): Promise<'online' | 'away' | 'unknown' | undefined> {
  const shown = await members(page);
  const key = Object.keys(shown).find((row) => row === name) ?? Object.keys(shown).find((row) => row.split(' ').includes(name));
  return key === undefined ? undefined : shown[key];
}

/** Types into Message without sending (the others should see a typing indicator). */
export async function typeWithoutSending(page: Page, text: string): Promise<void> {
  await field(page, 'Message').pressSequentially(text, { delay: 30 });
}

/** True when a visible line of the page says that `name` is typing. */
export async function showsTyping(page: Page, name: string): Promise<boolean> {
  const text = await page.locator('body').innerText();
  return text.split('\n').some((line) => line.includes(name) && /typing/i.test(line));
}

/** Picks an image file through the "Attach file" input and waits until the sender's own log shows it. */
export async function attachImage(page: Page, file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  const before = await messageLog(page).locator('img').count();
  await field(page, 'Attach file').setInputFiles(file);
  await eventually(async () => expect(await messageLog(page).locator('img').count()).toBeGreaterThan(before));
}

/** The decoded images in the log: only those the browser could actually render. */
export async function renderedImages(page: Page): Promise<{ src: string; width: number; height: number }[]> {
  return messageLog(page)
    .locator('img')
    .evaluateAll((images) =>
      (images as HTMLImageElement[])
        .filter((image) => image.complete && image.naturalWidth > 0)
        .map((image) => ({ src: image.src, width: image.naturalWidth, height: image.naturalHeight })),
    );
}

/** Clicks "Leave chat", confirms with "Leave and erase", and waits for the home page. */
/**
 * A button of the room's header actions, shown first where a phone's compact bar keeps them
 * behind "Room actions"; the visible one (the empty room's invite panel repeats some).
 */
export async function roomAction(page: Page, name: ButtonName): Promise<Locator> {
  const visible = button(page, name).filter({ visible: true }).first();
  if ((await visible.count()) === 0) await revealRoomActions(page);
  return visible;
}

/** On a phone, shows the room actions behind "Room actions" (Notify me, Leave chat, ...); elsewhere nothing. */
export async function revealRoomActions(page: Page): Promise<void> {
  if (await roomActionsButton(page).isVisible()) await showRoomActions(page);
}

export async function leaveChat(page: Page): Promise<void> {
  await (await roomAction(page, 'Leave chat')).click();
  await page.getByRole('dialog', { name: 'Leave and erase this conversation?' }).waitFor({ state: 'visible' });
  await button(page, 'Leave and erase').click();
  await waitForPath(page, '/');
}

/**
 * The visible text of the elements a field points at with aria-describedby (and
 * aria-errormessage): what a screen reader reads after the label, and what sighted people see
 * beside the field.
 */
export async function fieldDescription(page: Page, label: FieldLabel): Promise<string> {
  return field(page, label).evaluate((input) => {
    const ids = [input.getAttribute('aria-describedby'), input.getAttribute('aria-errormessage')]
      .filter((value): value is string => value !== null)
      .flatMap((value) => value.split(/\s+/))
      .filter((id) => id.length > 0);
    return ids
      .map((id) => document.getElementById(id))
      .filter((node): node is HTMLElement => node !== null && node.checkVisibility())
      .map((node) => node.innerText.trim())
      .filter((text) => text.length > 0)
      .join(' | ');
  });
}

/**
 * Waits until a field is marked invalid and its description says more than it did in `before`
 * (the description always carries the field's hint): the refusal sentence, beside the field.
 */
export async function waitForFieldRefusal(page: Page, label: FieldLabel, before: string): Promise<string> {
  return eventually(async () => {
    expect(await field(page, label).getAttribute('aria-invalid')).toBe('true');
    const now = await fieldDescription(page, label);
    expect(now).not.toBe(before);
    expect(now.length).toBeGreaterThan(before.length);
    return now;
  });
}

/** The bytes behind each image the log shows, read from its object URL in the page (a context with bypassCSP: the app's CSP forbids the fetch). */
export async function shownImageBytes(page: Page): Promise<Buffer[]> {
  const images = await messageLog(page)
    .locator('img')
    .evaluateAll((nodes) => Promise.all((nodes as HTMLImageElement[]).map(async (image) => Array.from(new Uint8Array(await (await fetch(image.src)).arrayBuffer())))));
  return images.map((bytes) => Buffer.from(bytes));
}

/** The "Download <name>" button of the file card named `name` in the log. */
export function downloadButton(page: Page, name: string): Locator {
  return messageLog(page).getByRole('button', { name: `Download ${name}`, exact: true });
}

/** Picks a file through the "Attach file" input and waits until the sender's own log shows its card. */
export async function attachFile(page: Page, file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  await field(page, 'Attach file').setInputFiles(file);
  await downloadButton(page, file.name).waitFor({ state: 'visible' });
}
