import type { Page } from 'playwright-core';
import { seriousViolations } from './support/axe';
import { eventually } from './support/eventually';
import {
  createRoom,
  field,
  joinRoom,
  leaveChat,
  logLines,
  memberList,
  memberStatus,
  messageItemDescription,
  uniquePassword,
  uniqueRoom,
  waitForChat,
  waitForMessage,
  waitForPath,
} from './support/pages';
import { chatHandshakes } from './support/kept-conversation';
import { TrafficRecorder } from './support/traffic-recorder';
import { type BrowserApp, useBrowserApp } from './support/use-browser-app';

// Issue 13: what the chat says about the connection and about each of our messages, against the
// server as it is (it ignores `resume` and `received` for now: no receipts, no replay).

/** Long enough that going offline and back, on a loaded machine, stays within it. */
const LONG_GRACE_MS = 30_000;
/** Short enough to watch a session end while offline. */
const SHORT_GRACE_MS = 2_000;

function banner(page: Page) {
  return page.locator('app-connection-banner [role="status"]');
}

/** Types `text` and presses Enter, without waiting for it to be acknowledged. */
async function write(page: Page, text: string): Promise<void> {
  const input = field(page, 'Message');
  await input.fill(text);
  await input.press('Enter');
  await waitForMessage(page, text);
}

/** Ada creates a room in `app`, Bob joins it, and each sees the other online. */
async function pair(app: () => BrowserApp, traffic = new TrafficRecorder()) {
  const room = uniqueRoom('States');
  const password = uniquePassword();
  // Ada's page gets axe-core injected, which the app's CSP rightly forbids (the CSP spec covers it).
  const ada = await app().newUser({ bypassCSP: true });
  traffic.watchContext(ada.context);
  const bob = await app().newUser();
  await createRoom(ada.page, { room, user: 'Ada', password });
  await joinRoom(bob.page, { room, user: 'Bob', password });
  await eventually(async () => expect(await memberStatus(ada.page, 'Bob')).toBe('online'));
  return { room, password, ada, bob };
}

describe('What the chat says about the connection and our messages, within the grace (real Chromium)', () => {
  const app = useBrowserApp({ DISCONNECT_GRACE_MS: String(LONG_GRACE_MS) });

  it('alone in the room, a message goes from Sending to Sent, and never says Delivered', async () => {
    const ada = await app().newUser();
    await createRoom(ada.page, { room: uniqueRoom('Alone'), user: 'Ada', password: uniquePassword() });

    await write(ada.page, 'nobody here but me');

    await eventually(async () => expect(await messageItemDescription(ada.page, 'nobody here but me')).toMatch(/\bSent\b/));
    expect(await messageItemDescription(ada.page, 'nobody here but me')).not.toMatch(/delivered/i);
  }, 60_000);

  it('offline: the banner says it is reconnecting, the member list is greyed and not current, what we write waits as Sending; back online all is normal', async () => {
    const traffic = new TrafficRecorder();
    const { ada, bob } = await pair(app, traffic);
    await write(bob.page, 'seq 1, before the drop');
    await waitForMessage(ada.page, 'seq 1, before the drop');

    await ada.context.setOffline(true);
    await eventually(async () => expect(await banner(ada.page).innerText()).toContain('Reconnecting… Messages you write are sent when it is back.'), { timeout: 30_000 });
    await eventually(async () => {
      expect(await memberList(ada.page).getAttribute('class')).toContain('stale');
      expect(await ada.page.getByText('Connection lost: this list is not current.').isVisible()).toBe(true);
      expect(await memberStatus(ada.page, 'Ada')).toBe('unknown');
      expect(await memberStatus(ada.page, 'Bob')).toBe('unknown');
    });
    await write(ada.page, 'written while offline');
    expect(await messageItemDescription(ada.page, 'written while offline')).toContain('Sending…');
    expect(await seriousViolations(ada.page)).toEqual([]);

    await ada.context.setOffline(false);
    await eventually(async () => expect((await banner(ada.page).innerText()).trim()).toBe(''), { timeout: 30_000 });
    await eventually(async () => {
      expect(await memberStatus(ada.page, 'Ada')).toBe('online');
      expect(await memberStatus(ada.page, 'Bob')).toBe('online');
      expect(await memberList(ada.page).getAttribute('class')).not.toContain('stale');
    });
    await waitForMessage(bob.page, 'written while offline');
    await eventually(async () => expect(await messageItemDescription(ada.page, 'written while offline')).toMatch(/\b(Sent|Delivered)\b/));
    // The reconnect resumed from the highest seq Ada had seen (docs/protocol.md §5.1).
    const resumes = chatHandshakes(traffic.frames).map((auth) => auth['resume']);
    expect(resumes[0]).toBe(0);
    expect(resumes.slice(1)).toContain(1);
    expect(resumes.slice(1).every((resume) => resume === 1)).toBe(true);
  }, 90_000);


  it('back from offline, says who left and who joined meanwhile', async () => {
    const { room, password, ada, bob } = await pair(app);
    const carol = await app().newUser();
    await joinRoom(carol.page, { room, user: 'Carol', password });
    await eventually(async () => expect(await memberStatus(ada.page, 'Carol')).toBe('online'));

    await ada.context.setOffline(true);
    await eventually(async () => expect(await banner(ada.page).innerText()).toContain('Reconnecting…'), { timeout: 30_000 });
    await leaveChat(carol.page);
    const dan = await app().newUser();
    await joinRoom(dan.page, { room, user: 'Dan', password });
    await eventually(async () => expect(await memberStatus(bob.page, 'Dan')).toBe('online'));
    await ada.context.setOffline(false);

    await eventually(
      async () => {
        const lines = await logLines(ada.page);
        expect(lines.some((line) => line.startsWith('Carol left while you were away'))).toBe(true);
        expect(lines.some((line) => line.startsWith('Dan joined while you were away'))).toBe(true);
      },
      { timeout: 30_000 },
    );
    expect(await memberStatus(ada.page, 'Carol')).toBeUndefined();
    expect(await memberStatus(ada.page, 'Dan')).toBe('online');
  }, 90_000);
});

describe('What the chat says once the session ended while offline (real Chromium)', () => {
  const app = useBrowserApp({ DISCONNECT_GRACE_MS: String(SHORT_GRACE_MS) });

  it('after the grace: the session ended while offline, "Join again" with room and name filled in, and the unsent message offered there', async () => {
    const { room, password, ada, bob } = await pair(app);

    await ada.context.setOffline(true);
    await eventually(async () => expect(await banner(ada.page).innerText()).toContain('Reconnecting…'), { timeout: 30_000 });
    await write(ada.page, 'kept for the next session');
    await app().server.waitForLog(
      (record) => record.event === 'session.ended' && record['room'] === room && record['user'] === 'Ada' && record['reason'] === 'timeout',
      60_000,
    );

    await ada.context.setOffline(false);
    await eventually(async () => expect(await banner(ada.page).innerText()).toContain('Your session ended while you were offline.'), { timeout: 30_000 });
    const said = await banner(ada.page).innerText();
    expect(said).toContain('A message you wrote was not sent: join again to send it.');
    expect(said).not.toContain('This session has ended');
    expect(await ada.page.getByText('Session ended: this list is not current.').isVisible()).toBe(true);
    await eventually(async () => expect(await messageItemDescription(ada.page, 'kept for the next session')).toContain('Not sent.'));
    await expect(ada.page.getByRole('button', { name: 'Copy', exact: true }).count()).resolves.toBe(1);
    expect(await seriousViolations(ada.page)).toEqual([]);

    await banner(ada.page).getByRole('link', { name: 'Join again', exact: true }).click();
    await waitForPath(ada.page, '/login');
    await eventually(async () => {
      expect(await field(ada.page, 'Room name').inputValue()).toBe(room);
      expect(await field(ada.page, 'Username').inputValue()).toBe('Ada');
    });
    await field(ada.page, 'Password').fill(password);
    await ada.page.getByRole('button', { name: 'Join room', exact: true }).click();
    await waitForChat(ada.page);

    await eventually(async () => expect(await messageItemDescription(ada.page, 'kept for the next session')).toContain('Not sent.'));
    await ada.page.getByRole('button', { name: 'Send again', exact: true }).click();
    await waitForMessage(bob.page, 'kept for the next session');
    await eventually(async () => expect(await messageItemDescription(ada.page, 'kept for the next session')).toMatch(/\b(Sent|Delivered)\b/));
  }, 120_000);
});
