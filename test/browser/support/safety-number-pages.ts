import type { Locator, Page } from 'playwright-core';
import { memberList } from './pages';

// The end-to-end layer's part of the chat page (docs/web-client.md, "End-to-end layer v2"): each
// member's verification, "Verify" and the safety-number dialog, through their accessible names.

/** The "Verify" button of `name` in the member list (named "Verify" and the member's name). */
export function verifyButton(page: Page, name: string): Locator {
  return memberList(page).getByRole('button', { name: `Verify ${name}`, exact: true });
}

/** The dialog that shows this tab's safety number with `name`. */
export function safetyNumberDialog(page: Page, name: string): Locator {
  return page.getByRole('dialog', { name: `Safety number with ${name}`, exact: true });
}

/** A safety number as the dialog shows it: 12 groups of 5 digits, 18 words, 34 emoji each with its name. */
export interface ShownSafetyNumber {
  digits: string[];
  words: string[];
  emoji: string[];
}

/** Opens "Verify" for `name` and reads the safety number once computed; the dialog stays open. */
export async function readSafetyNumber(page: Page, name: string): Promise<ShownSafetyNumber> {
  await verifyButton(page, name).click();
  const dialog = safetyNumberDialog(page, name);
  const digits = dialog.getByRole('group', { name: 'Safety number as digits', exact: true });
  await digits.waitFor({ state: 'visible', timeout: 20_000 });
  const words = dialog.getByRole('group', { name: 'Safety number as words', exact: true });
  const emoji = dialog.getByRole('group', { name: 'Safety number as emoji', exact: true }).getByRole('listitem');
  return {
    digits: ((await digits.textContent()) ?? '').trim().split(/\s+/),
    words: ((await words.textContent()) ?? '').trim().split(/\s+/),
    emoji: (await emoji.allTextContents()).map((item) => item.replace(/\s+/g, ' ').trim()),
  };
}

/** Closes the safety-number dialog for `name`. */
export async function closeSafetyNumber(page: Page, name: string): Promise<void> {
  const dialog = safetyNumberDialog(page, name);
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
}

/** What the member list says of `name`'s verification ("not verified", "verified by you", "key changed"). */
export async function verificationShown(page: Page, name: string): Promise<string> {
  const row = memberList(page).getByRole('listitem').filter({ has: page.locator('.name').getByText(name, { exact: true }) });
  return ((await row.locator('.trust').textContent()) ?? '').trim();
}
