import { randomBytes } from 'node:crypto';
import { E2eRoom } from '@ciphernest/crypto';
import { eventually } from './support/eventually';
import { meetInRoom } from './support/meet-in-room';
import { button, logLines, sendText, waitForChat, waitForMessage } from './support/pages';
import { closeSafetyNumber, readSafetyNumber, safetyNumberDialog, verificationShown } from './support/safety-number-pages';
import { fromPassword } from './support/room-secrets';
import { WireRelay } from './support/wire-relay';
import { useBrowserApp } from './support/use-browser-app';

// E2E.md P4, safety numbers (docs/protocol.md §3.1): two members compare a number made from both
// their keys; each sees the same one exactly when each holds the other's real key. A key that
// changes during the room's life is a line everyone sees and clears "verified". Verification and
// keys live in the tab's sealed state, so a reload keeps them. Layer v1 had one room fingerprint,
// a function of the password that said nothing about who holds which key.

const KEY_CHANGED = /^Ada's key changed\b/;

describe('Safety numbers and verification (E2E.md P4, real Chromium)', () => {
  // Long enough for a reload on a loaded machine: the session stays, it is not replaced.
  const app = useBrowserApp({ DISCONNECT_GRACE_MS: '20000' });

  it('two members see the same number (digits, words, emoji); "verified" and the keys survive a reload', async () => {
    const {
      users: [ada, bob],
    } = await meetInRoom(app(), [{ name: 'Ada' }, { name: 'Bob' }], 'Numbers');
    await sendText(ada.page, 'before the reload');
    await waitForMessage(bob.page, 'before the reload');

    const seenByAda = await readSafetyNumber(ada.page, 'Bob');
    const seenByBob = await readSafetyNumber(bob.page, 'Ada');
    expect(seenByBob).toEqual(seenByAda);
    expect(seenByAda.digits).toHaveLength(12);
    expect(seenByAda.digits.every((group) => /^\d{5}$/.test(group))).toBe(true);
    expect(seenByAda.words).toHaveLength(18);
    expect(seenByAda.emoji).toHaveLength(34);
    expect(seenByAda.emoji.every((item) => /^\S+ [a-z ]+$/u.test(item))).toBe(true);
    expect(await verificationShown(bob.page, 'Ada')).toBe('not verified');

    await safetyNumberDialog(bob.page, 'Ada').getByRole('button', { name: 'Mark as verified', exact: true }).click();
    await eventually(async () => expect(await verificationShown(bob.page, 'Ada')).toBe('verified by you'));
    await closeSafetyNumber(bob.page, 'Ada');
    await closeSafetyNumber(ada.page, 'Bob');

    await bob.page.reload();
    await waitForChat(bob.page);
    await eventually(async () => expect(await verificationShown(bob.page, 'Ada')).toBe('verified by you'));
    await waitForMessage(bob.page, 'before the reload');
    await sendText(ada.page, 'after the reload');
    await waitForMessage(bob.page, 'after the reload');
    await sendText(bob.page, 'Bob, after his reload');
    await waitForMessage(ada.page, 'Bob, after his reload');
    // The same identity came back: no key change for Ada to see, and the same number.
    expect((await logLines(ada.page)).some((line) => /key changed/.test(line))).toBe(false);
    expect(await readSafetyNumber(ada.page, 'Bob')).toEqual(seenByAda);
  }, 120_000);

  it('a relay that substitutes a member\'s key: a "key changed" line, "verified" cleared, and the numbers no longer match', async () => {
    let relay: WireRelay | undefined;
    const {
      room,
      password,
      users: [ada, bob],
    } = await meetInRoom(app(), [{ name: 'Ada' }, { name: 'Bob', before: async (user) => void (relay = await WireRelay.between(user.page)) }], 'Swap');
    if (relay === undefined) throw new Error('no relay');
    const seenByAda = await readSafetyNumber(ada.page, 'Bob');
    await closeSafetyNumber(ada.page, 'Bob');
    expect(await readSafetyNumber(bob.page, 'Ada')).toEqual(seenByAda);
    await button(bob.page, 'Mark as verified').click();
    await eventually(async () => expect(await verificationShown(bob.page, 'Ada')).toBe('verified by you'));
    await closeSafetyNumber(bob.page, 'Ada');

    // The relay knows the password: it announces keys of its own under Ada's name, to Bob only.
    const holder = await fromPassword(app().server, room, password);
    const impostor = await E2eRoom.create({ roomKey: holder.roomKey, username: 'Ada', vault: randomBytes(32).toString('base64url'), encKey: holder.encKey });
    await impostor.syncMembers(['Ada', 'Bob']);
    const [keys] = await impostor.flush(Date.now());
    const last = relay.delivered.at(-1);
    await relay.inject({ id: keys.id, from: 'Ada', ts: Date.now(), seq: (last?.seq ?? 0) + 1, box: Buffer.from(keys.box) });

    await eventually(async () => expect((await logLines(bob.page)).some((line) => KEY_CHANGED.test(line))).toBe(true));
    expect(await verificationShown(bob.page, 'Ada')).toBe('key changed');
    const seenByBob = await readSafetyNumber(bob.page, 'Ada');
    expect(seenByBob.digits).not.toEqual(seenByAda.digits);
    expect(await readSafetyNumber(ada.page, 'Bob')).toEqual(seenByAda);
    await expect(safetyNumberDialog(bob.page, 'Ada').getByText("Ada's key changed during this room's life: compare again.").isVisible()).resolves.toBe(true);
  }, 120_000);
});
