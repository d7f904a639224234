import type { Locator, Page } from 'playwright-core';

// The chat page on a narrow screen (docs/web-client.md, "On a phone"): a one-line bar with the
// room's name, "End-to-end encrypted" (shows the note), "Members" (opens the member list in a
// drawer) and "Room actions" (shows Notify me, Leave chat and the other actions).

/** A phone's screen, in CSS pixels. */
export const PHONE = { width: 390, height: 844 } as const;

/** The same phone with its on-screen keyboard open (the layout viewport shrinks to what is left). */
export const PHONE_WITH_KEYBOARD = { width: 390, height: 480 } as const;

export const DESKTOP = { width: 1280, height: 800 } as const;

/** The bar's button that opens the members drawer. */
export function membersButton(page: Page): Locator {
  return page.getByRole('button', { name: 'Members', exact: true });
}

/** The members drawer (a modal dialog named "Members"). */
export function membersDrawer(page: Page): Locator {
  return page.getByRole('dialog', { name: 'Members', exact: true });
}

export function roomActionsButton(page: Page): Locator {
  return page.getByRole('button', { name: 'Room actions', exact: true });
}

export function encryptionStateButton(page: Page): Locator {
  return page.getByRole('button', { name: 'End-to-end encrypted', exact: true });
}

/** Opens the members drawer with a click and waits for it. */
export async function openMembersDrawer(page: Page): Promise<Locator> {
  await membersButton(page).click();
  const drawer = membersDrawer(page);
  await drawer.waitFor({ state: 'visible' });
  return drawer;
}

/** Shows the bar's room actions (Leave chat and the others), if they are not shown yet. */
export async function showRoomActions(page: Page): Promise<void> {
  const toggle = roomActionsButton(page);
  if ((await toggle.getAttribute('aria-expanded')) === 'true') return;
  await toggle.click();
  // The app renders the new state after the click's event, not during it: wait for it.
  await page.getByRole('button', { name: 'Room actions', exact: true, expanded: true }).waitFor({ state: 'visible' });
}

/** Where `locator` is on the page, in CSS pixels; fails when it is not rendered. */
export async function boxOf(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const box = await locator.boundingBox();
  if (box === null) throw new Error(`${locator.toString()} is not rendered`);
  return box;
}
