import { seriousViolations } from './support/axe';
import { eventually } from './support/eventually';
import { chatHandshakes, seqSeen } from './support/kept-conversation';
import { meetInRoom } from './support/meet-in-room';
import {
  connectionBanner,
  field,
  joinRoom,
  leaveChat,
  logLines,
  memberList,
  memberStatus,
  messageItemDescription,
  sendText,
  shownInOrder,
  waitForChat,
  waitForMessage,
  waitForPath,
} from './support/pages';
import { TrafficRecorder } from './support/traffic-recorder';
import { type BrowserApp, useBrowserApp } from './support/use-browser-app';

// Issue 13: what the chat says about the connection and about each of our messages, and that
// what was said while we were offline comes back (docs/protocol.md §5.1, §5.2).

/** Long enough that going offline and back, on a loaded machine, stays within it. */
const LONG_GRACE_MS = 30_000;
/** Short enough to watch a session end while offline. */
const SHORT_GRACE_MS = 2_000;

/** Ada creates a room in `app`, Bob joins it, and each sees the other online. */
async function pair(app: () => BrowserApp, traffic?: TrafficRecorder) {
  const {
    room,
    password,
    // Ada's page gets axe-core injected, which the app's CSP rightly forbids (the CSP spec covers it).
    users: [ada, bob],
  } = await meetInRoom(app(), [{ name: 'Ada', options: { bypassCSP: true }, traffic }, { name: 'Bob' }], 'States');
  return { room, password, ada, bob };
}

describe('What the chat says about the connection and our messages, within the grace (real Chromium)', () => {
  const app = useBrowserApp({ DISCONNECT_GRACE_MS: String(LONG_GRACE_MS) });

  it('offline: the banner says it is reconnecting, the member list is greyed and not current, what we write waits as Sending; back online all is normal and nothing said meanwhile is lost', async () => {
    const traffic = new TrafficRecorder();
    const { ada, bob } = await pair(app, traffic);
    await sendText(bob.page, 'before the drop');
    await waitForMessage(ada.page, 'before the drop');
    // Bob's message and the end-to-end layer's boxes of both: what Ada has seen before she drops.
    const seen = seqSeen(traffic.frames);

    await ada.context.setOffline(true);
    await eventually(async () => expect(await connectionBanner(ada.page).innerText()).toContain('Reconnecting… Messages you write are sent when it is back.'), { timeout: 30_000 });
    await eventually(async () => {
      expect(await memberList(ada.page).getAttribute('class')).toContain('stale');
      expect(await ada.page.getByText('Connection lost: this list is not current.').isVisible()).toBe(true);
      expect(await memberStatus(ada.page, 'Ada')).toBe('unknown');
      expect(await memberStatus(ada.page, 'Bob')).toBe('unknown');
    });
    await sendText(ada.page, 'written while offline');
    expect(await messageItemDescription(ada.page, 'written while offline')).toContain('Sending…');
    expect(await seriousViolations(ada.page)).toEqual([]);
    await eventually(async () => expect(await memberStatus(bob.page, 'Ada')).toBe('away'), { timeout: 30_000 });
    await sendText(bob.page, 'said while Ada is away');

    await ada.context.setOffline(false);
    await eventually(async () => expect((await connectionBanner(ada.page).innerText()).trim()).toBe(''), { timeout: 30_000 });
    await eventually(async () => {
      expect(await memberStatus(ada.page, 'Ada')).toBe('online');
      expect(await memberStatus(ada.page, 'Bob')).toBe('online');
      expect(await memberList(ada.page).getAttribute('class')).not.toContain('stale');
    });
    await waitForMessage(bob.page, 'written while offline');
    await waitForMessage(ada.page, 'said while Ada is away');
    expect(await shownInOrder(ada.page, ['before the drop', 'said while Ada is away'])).toEqual(['before the drop', 'said while Ada is away']);
    await eventually(async () => expect(await messageItemDescription(ada.page, 'written while offline')).toMatch(/\bDelivered\b/));
    // The reconnect resumed from the highest seq Ada had seen (docs/protocol.md §5.1).
    const resumes = chatHandshakes(traffic).map((auth) => auth['resume']);
    expect(resumes[0]).toBe(0);
    expect(resumes.slice(1)).toContain(seen);
    expect(resumes.slice(1).every((resume) => resume === seen)).toBe(true);
  }, 90_000);

  it('back from offline, says who left and who joined meanwhile', async () => {
    const { room, password, ada, bob } = await pair(app);
    const carol = await app().newUser();
    await joinRoom(carol.page, { room, user: 'Carol', password });
    await eventually(async () => expect(await memberStatus(ada.page, 'Carol')).toBe('online'));

    await ada.context.setOffline(true);
    await eventually(async () => expect(await connectionBanner(ada.page).innerText()).toContain('Reconnecting…'), { timeout: 30_000 });
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
    await eventually(async () => expect(await connectionBanner(ada.page).innerText()).toContain('Reconnecting…'), { timeout: 30_000 });
    await sendText(ada.page, 'kept for the next session');
    await app().server.waitForLog(
      (record) => record.event === 'session.ended' && record['room'] === room && record['user'] === 'Ada' && record['reason'] === 'timeout',
      60_000,
    );

    await ada.context.setOffline(false);
    await eventually(async () => expect(await connectionBanner(ada.page).innerText()).toContain('Your session ended while you were offline.'), { timeout: 30_000 });
    const said = await connectionBanner(ada.page).innerText();
    expect(said).toContain('A message you wrote was not sent: join again to send it.');
    expect(said).not.toContain('This session has ended');
    expect(await ada.page.getByText('Session ended: this list is not current.').isVisible()).toBe(true);
    await eventually(async () => expect(await messageItemDescription(ada.page, 'kept for the next session')).toContain('Not sent.'));
    await expect(ada.page.getByRole('button', { name: 'Copy', exact: true }).count()).resolves.toBe(1);
    expect(await seriousViolations(ada.page)).toEqual([]);

    await connectionBanner(ada.page).getByRole('link', { name: 'Join again', exact: true }).click();
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
    await eventually(async () => expect(await messageItemDescription(ada.page, 'kept for the next session')).toMatch(/\bDelivered\b/));
  }, 120_000);
});
