import type { Locator, Page } from 'playwright-core';
import { seriousViolations } from './support/axe';
import { eventually } from './support/eventually';
import { goOffline } from './support/go-offline';
import { meetInRoom } from './support/meet-in-room';
import { deliveryRecord, joinRoom, memberStatus, messageItemDescription, messageLog, sendText, waitForMessage } from './support/pages';
import { useBrowserApp } from './support/use-browser-app';

// Issue 13: our messages say whether they reached the others, from the receipts the server relays
// (docs/protocol.md §5.2): Sent, Delivered, or "Delivered to 1 of 2" with the names on hover and
// focus.

/** Far longer than a member stays offline here, on a loaded machine. */
const GRACE_MS = 20_000;

/** The log's item of the message that reads `text`. */
function itemOf(page: Page, text: string): Locator {
  return messageLog(page).getByRole('listitem').filter({ has: page.getByText(text, { exact: true }) });
}

/** Waits until the item of our message `text` shows `status` (exactly those words) and returns that status element. */
async function waitForStatus(page: Page, text: string, status: string): Promise<Locator> {
  const shown = itemOf(page, text).getByText(status, { exact: true });
  await shown.waitFor({ state: 'visible', timeout: 30_000 });
  return shown;
}

describe('What our messages say about reaching the others (real Chromium)', () => {
  const app = useBrowserApp({ DISCONNECT_GRACE_MS: String(GRACE_MS) });

  it('alone in the room a message stays Sent; with Bob there the next one says Delivered, and the first is still Sent', async () => {
    const {
      room,
      password,
      users: [ada],
    } = await meetInRoom(app(), [{ name: 'Ada' }], 'Receipts');
    const alone = 'said to nobody';
    await sendText(ada.page, alone);
    await waitForStatus(ada.page, alone, 'Sent');

    const bob = await app().newUser();
    await joinRoom(bob.page, { room, user: 'Bob', password });
    await eventually(async () => expect(await memberStatus(ada.page, 'Bob')).toBe('online'));
    const heard = 'said to Bob';
    await sendText(ada.page, heard);
    await waitForMessage(bob.page, heard);

    await waitForStatus(ada.page, heard, 'Delivered');
    // Bob's receipt reaches past the first message too, but he was not there when it was sent: it
    // stays Sent by Ada's record, and only her latest message says how it went.
    expect(await deliveryRecord(ada.page, alone)).toBe('sent');
    expect(await deliveryRecord(ada.page, heard)).toBe('delivered');
    expect(await messageItemDescription(ada.page, alone)).not.toMatch(/\b(Sent|Delivered)\b/);
  }, 90_000);

  it('three in the room, one offline: "Delivered to 1 of 2", who has it on hover and on focus; once she is back, Delivered', async () => {
    const {
      users: [ada, bob, cyd],
      // Ada's page gets axe-core injected, which the app's CSP rightly forbids (the CSP spec covers it).
    } = await meetInRoom(app(), [{ name: 'Ada', options: { bypassCSP: true } }, { name: 'Bob' }, { name: 'Cyd' }], 'Receipts');
    await goOffline(cyd, 'Cyd', ada.page);

    const text = 'while Cyd is offline';
    await sendText(ada.page, text);
    await waitForMessage(bob.page, text);
    const status = await waitForStatus(ada.page, text, 'Delivered to 1 of 2');
    const names = ada.page.getByText('Delivered to Bob. Not yet to Cyd.', { exact: true });
    expect(await names.isVisible()).toBe(false);
    await status.hover();
    await names.waitFor({ state: 'visible' });
    await ada.page.mouse.move(0, 0);
    await names.waitFor({ state: 'hidden' });
    await status.focus();
    await names.waitFor({ state: 'visible' });
    // A screen reader reads the names with the status.
    const describedBy = (await status.getAttribute('aria-describedby')) ?? '';
    expect(await ada.page.locator(`[id="${describedBy}"]`).textContent()).toBe('Delivered to Bob. Not yet to Cyd.');
    expect(await seriousViolations(ada.page)).toEqual([]);
    await ada.page.keyboard.press('Escape');
    await names.waitFor({ state: 'hidden' });

    await cyd.context.setOffline(false);
    await waitForMessage(cyd.page, text, 30_000);
    await waitForStatus(ada.page, text, 'Delivered');
    expect(await messageItemDescription(ada.page, text)).not.toContain('of 2');
  }, 90_000);
});
