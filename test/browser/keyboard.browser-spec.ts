import type { Locator, Page } from 'playwright-core';
import { eventually } from './support/eventually';
import { field, joinRoom, messageLog, uniquePassword, uniqueRoom, waitForChat, waitForMessage, type FieldLabel } from './support/pages';
import { useBrowserApp } from './support/use-browser-app';

async function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element === document.activeElement);
}

/** Presses Tab until `label` has focus; fails if it takes more than `limit` presses. */
async function tabTo(page: Page, label: FieldLabel, limit = 40): Promise<number> {
  const target = field(page, label);
  await target.waitFor({ state: 'visible' });
  for (let presses = 0; presses <= limit; presses++) {
    if (await isFocused(target)) return presses;
    await page.keyboard.press('Tab');
  }
  throw new Error(`"${label}" never got focus after ${limit} presses of Tab`);
}

describe('Keyboard only (real Chromium)', () => {
  const app = useBrowserApp();

  it('creates a room and sends a message with Tab, typing and Enter, without a click', async () => {
    const room = uniqueRoom('Keys');
    const password = uniquePassword();
    const ada = await app().newUser();
    const clicks: string[] = [];
    await ada.context.exposeFunction('__reportClick', (what: string) => void clicks.push(what));
    await ada.context.addInitScript(() => {
      const report = (window as unknown as { __reportClick: (what: string) => void }).__reportClick;
      document.addEventListener('pointerdown', (event) => report(`pointerdown on ${(event.target as Element).tagName}`), true);
    });
    const { page } = ada;

    await page.goto('/create');
    await tabTo(page, 'Room name');
    await page.keyboard.type(room, { delay: 20 });
    await tabTo(page, 'Username');
    await page.keyboard.type('Ada', { delay: 20 });
    await tabTo(page, 'Password');
    await page.keyboard.type(password, { delay: 20 });
    await page.keyboard.press('Enter');
    await waitForChat(page);

    const bob = await app().newUser();
    await joinRoom(bob.page, { room, user: 'Bob', password });

    await tabTo(page, 'Message');
    await page.keyboard.type('Sent with the keyboard alone');
    await page.keyboard.press('Enter');
    await waitForMessage(page, 'Sent with the keyboard alone');
    await waitForMessage(bob.page, 'Sent with the keyboard alone');
    expect(await field(page, 'Message').inputValue()).toBe('');

    await page.keyboard.type('line one');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('line two');
    expect(await field(page, 'Message').inputValue()).toBe('line one\nline two');
    await page.keyboard.press('Enter');
    await eventually(async () => expect(await messageLog(bob.page).innerText()).toMatch(/line one[ \t]*\n[ \t]*line two/));
    expect(clicks).toEqual([]);
  }, 60_000);
});
