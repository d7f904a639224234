import type { Locator, Page } from 'playwright-core';
import { messageLog } from './pages';

// The message actions as people use them (docs/web-client.md, "Message actions"): every locator
// goes through the accessible names the app promises.

function exactly(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}

/** The list item of the message whose text reads exactly `text` (a quote of it elsewhere does not count). */
export function messageItem(page: Page, text: string): Locator {
  return messageLog(page)
    .locator('li')
    .filter({ has: page.locator('app-message-text').filter({ hasText: exactly(text) }) });
}

/** The "Message actions" button of the message `text`. */
export function actionsButton(page: Page, text: string): Locator {
  return messageItem(page, text).getByRole('button', { name: 'Message actions', exact: true });
}

/** The open "Message actions" menu. */
export function actionsMenu(page: Page): Locator {
  return page.getByRole('menu', { name: 'Message actions', exact: true });
}

/** Opens the menu of the message `text` with the pointer and chooses `item` ("Reply", "React with thumbs up", ...). */
export async function chooseAction(page: Page, text: string, item: string): Promise<void> {
  await actionsButton(page, text).click();
  const menu = actionsMenu(page);
  await menu.waitFor({ state: 'visible' });
  await menu.getByRole(item.startsWith('React with') ? 'menuitemcheckbox' : 'menuitem', { name: item, exact: true }).click();
  await menu.waitFor({ state: 'detached' });
}

/** The reaction toggles under the message `text`, by accessible name ("👍 2: Ada, You"). */
export async function reactionNames(page: Page, text: string): Promise<string[]> {
  const buttons = messageItem(page, text).getByRole('group', { name: 'Reactions', exact: true }).getByRole('button');
  return (await buttons.all()).length === 0 ? [] : buttons.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('aria-label') ?? ''));
}

/** Deletes our message `text` for everyone through its menu and the question that follows. */
export async function deleteForEveryone(page: Page, text: string): Promise<void> {
  await chooseAction(page, text, 'Delete for everyone');
  const question = page.getByRole('dialog', { name: 'Delete this message for everyone?', exact: true });
  await question.getByRole('button', { name: 'Delete for everyone', exact: true }).click();
  await question.waitFor({ state: 'detached' });
}

/** The accessible name (aria-label, else text) and id of the focused element. */
export async function focused(page: Page): Promise<{ name: string; id: string; expanded: string | null }> {
  return page.evaluate(() => {
    const active = document.activeElement;
    return {
      name: (active?.getAttribute('aria-label') ?? active?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      id: active?.id ?? '',
      expanded: active?.getAttribute('aria-expanded') ?? null,
    };
  });
}
