import { eventually } from './support/eventually';
import { meetInRoom } from './support/meet-in-room';
import {
  field,
  encryptionNote,
  logLines,
  memberStatus,
  mentions,
  pathOf,
  sendText,
  waitForChat,
  waitForMessage,
  waitForPath,
} from './support/pages';
import { useBrowserApp } from './support/use-browser-app';

const GRACE_MS = 3_000;

describe('A tab’s session (real Chromium)', () => {
  // Long enough for a reload under load, short enough to watch a timeout.
  const app = useBrowserApp({ DISCONNECT_GRACE_MS: String(GRACE_MS) });

  async function pair() {
    const {
      room,
      users: [ada, bob],
    } = await meetInRoom(app(), [{ name: 'Ada' }, { name: 'Bob' }], 'Session');
    return { room, ada, bob };
  }

  it('survives a reload: same room, same key, still sending', async () => {
    const { room, ada, bob } = await pair();

    await ada.page.reload();
    await waitForChat(ada.page);
    await ada.page.getByText(room, { exact: true }).first().waitFor({ state: 'visible' });
    await sendText(ada.page, 'still here after a reload');
    await waitForMessage(bob.page, 'still here after a reload');
    await eventually(async () => expect(await memberStatus(bob.page, 'Ada')).toBe('online'));

    const lines = await logLines(bob.page);
    expect(mentions(lines, 'Ada', /\bleft\b|timed out/i)).toBe(false);
  }, 60_000);

  it('a second tab starts at the login page and takes nothing from the first', async () => {
    const { room, ada, bob } = await pair();

    const second = await ada.context.newPage();
    await second.goto('/chat');
    await waitForPath(second, '/login');
    const prefilled = await field(second, 'Room name').inputValue();
    expect(['', room]).toContain(prefilled);
    expect(await encryptionNote(second).count()).toBe(0);

    await sendText(ada.page, 'the first tab still talks');
    await waitForMessage(bob.page, 'the first tab still talks');
    await expect(memberStatus(bob.page, 'Ada')).resolves.toBe('online');
  }, 60_000);

  it('a tab opened from the chat (sessionStorage copied) does not inherit the session either', async () => {
    const { ada, bob } = await pair();

    const [copy] = await Promise.all([ada.context.waitForEvent('page'), ada.page.evaluate(() => void window.open('/chat'))]);
    await copy.waitForLoadState();
    await eventually(() => expect(pathOf(copy)).not.toBe('/chat'), { timeout: 20_000 });
    expect(await encryptionNote(copy).count()).toBe(0);

    await sendText(ada.page, 'the original tab keeps the session');
    await waitForMessage(bob.page, 'the original tab keeps the session');
    await expect(encryptionNote(ada.page).isVisible()).resolves.toBe(true);
  }, 60_000);

  it('a closed browser shows away at once, then left (timed out) after the grace', async () => {
    const { ada, bob } = await pair();

    await ada.context.close();
    await eventually(
      async () => {
        expect(mentions(await logLines(bob.page), 'Ada', /\baway\b/i)).toBe(true);
        expect(await memberStatus(bob.page, 'Ada')).toBe('away');
      },
      { timeout: GRACE_MS },
    );
    await eventually(
      async () => {
        expect(mentions(await logLines(bob.page), 'Ada', /timed out/i)).toBe(true);
        expect(await memberStatus(bob.page, 'Ada')).toBeUndefined();
      },
      { timeout: GRACE_MS + 10_000 },
    );
  }, 60_000);
});
