import { ErrorCode, ROOM_NAME_MAX, USERNAME_MAX } from '@ciphernest/protocol';
import { byName, createRoom, deleteSession, expectError, getKdf, joinRoom, member, postRoom, postSession, randomKdf, randomVerifier, uniqueRoomName } from './support/builders';
import { closeAllClients } from './support/chat-client';
import { useServer } from './support/server-process';

// docs/protocol.md §1: room names, room keys and usernames, as the HTTP API applies them.

/** U+1D49C MATHEMATICAL SCRIPT CAPITAL A: one letter, two UTF-16 code units. */
const ASTRAL_LETTER = '\u{1D49C}';

let digitCounter = 0;

/** Digits (script Common) that make a name of any script unique on this server. */
function uniqueDigits(): string {
  digitCounter += 1;
  return `${process.pid}${digitCounter}`;
}

/** "coco" and "pepe" in letters of other scripts: one script each, but they look the same. */
const CYRILLIC_COCO = '\u0421\u043E\u0441\u043E';
const GREEK_COCO = '\u03F2\u03BF\u03F2\u03BF';
const CYRILLIC_PEPE = '\u0440\u0435\u0440\u0435';
/** Latin with one Cyrillic а: mixed scripts. */
const MIXED_PAYPAL = 'p\u0430ypal';

/** One example of every class of character §1 rejects. */
const FORBIDDEN: [string, string][] = [
  ['a control character (BEL)', 'a\u0007b'],
  ['a tab', 'a\tb'],
  ['a line feed', 'a\nb'],
  ['a zero-width space', 'a\u200Bb'],
  ['a zero-width joiner', 'a\u200Db'],
  ['a bidi override (U+202E)', 'a\u202Eb'],
  ['an emoji', 'a\u{1F600}b'],
  ['a slash', 'a/b'],
  ['a question mark', 'a?b'],
  ['a hash', 'a#b'],
  ['a percent sign', 'a%b'],
  ['a no-break space (only U+0020 is allowed)', 'a\u00A0b'],
  ['other punctuation', 'a!b'],
];

describe('Names (docs/protocol.md §1)', () => {
  const server = useServer({ DISCONNECT_GRACE_MS: '60000' });
  afterEach(closeAllClients);

  function create(room: unknown, username: unknown = 'alice') {
    return postRoom(server(), { room, username, verifier: randomVerifier(), kdf: randomKdf() });
  }

  describe('room names', () => {
    it('accepts a room name of one character', async () => {
      // This server is this file's own, and no other test here uses the name.
      const res = await create('Q');
      expect(res.status).toBe(201);
      expect(res.body.room.name).toBe('Q');
    });

    it('accepts a room name of exactly 64 characters', async () => {
      const name = `${uniqueRoomName('n')}`.padEnd(ROOM_NAME_MAX, 'x');
      expect([...name]).toHaveLength(64);
      const res = await create(name);
      expect(res.status).toBe(201);
      expect(res.body.room.name).toBe(name);
    });

    it('counts code points, not UTF-16 units: 64 astral letters are accepted', async () => {
      const name = ASTRAL_LETTER.repeat(ROOM_NAME_MAX);
      expect(name.length).toBe(128);
      const res = await create(name);
      expect(res.status).toBe(201);
      expect(res.body.room.name).toBe(name);
    });

    it('refuses a room name of 65 characters', async () => {
      const res = await create(uniqueRoomName('n').padEnd(ROOM_NAME_MAX + 1, 'x'));
      expectError(res, ErrorCode.ValidationFailed);
    });

    it('refuses 65 astral letters', async () => {
      expectError(await create(ASTRAL_LETTER.repeat(ROOM_NAME_MAX + 1)), ErrorCode.ValidationFailed);
    });

    it('refuses an empty room name', async () => {
      expectError(await create(''), ErrorCode.ValidationFailed);
    });

    it('refuses a room name of spaces only (empty after trim)', async () => {
      expectError(await create('    '), ErrorCode.ValidationFailed);
    });

    it('refuses a room name that is not a string', async () => {
      expectError(await create(42), ErrorCode.ValidationFailed);
    });

    it('trims the room name', async () => {
      const name = uniqueRoomName('trim');
      const res = await create(`  ${name}   `);
      expect(res.status).toBe(201);
      expect(res.body.room.name).toBe(name);
    });

    it('counts the length after trimming (64 characters with surrounding spaces)', async () => {
      const name = uniqueRoomName('t').padEnd(ROOM_NAME_MAX, 'y');
      const res = await create(`   ${name}   `);
      expect(res.status).toBe(201);
      expect(res.body.room.name).toBe(name);
    });

    it('stores the room name in NFC', async () => {
      const base = uniqueRoomName('nfc');
      const res = await create(`Cafe\u0301 ${base}`);
      expect(res.status).toBe(201);
      expect(res.body.room.name).toBe(`Caf\u00E9 ${base}`);
    });

    it('treats NFC-equivalent names as the same room', async () => {
      const base = uniqueRoomName('nfc');
      expect((await create(`Caf\u00E9 ${base}`)).status).toBe(201);
      expectError(await create(`Cafe\u0301 ${base}`), ErrorCode.RoomExists);
    });

    it('treats names differing only in case as the same room', async () => {
      const base = uniqueRoomName('Case');
      expect((await create(`Mixed ${base}`)).status).toBe(201);
      expectError(await create(`mIXED ${base.toUpperCase()}`), ErrorCode.RoomExists);
    });

    it('finds a room under another case and normalization form of its name', async () => {
      const base = uniqueRoomName('lookup');
      const created = await createRoom(server(), { room: `Caf\u00E9 ${base}` });
      const res = await getKdf(server(), `CAFE\u0301 ${base.toUpperCase()}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ kdf: created.kdf });
    });

    it('accepts spaces, hyphens, underscores and dots', async () => {
      const name = `a b-c_d.e ${uniqueRoomName('p')}`;
      const res = await create(name);
      expect(res.status).toBe(201);
      expect(res.body.room.name).toBe(name);
    });

    it.each([
      ['Greek', '\u0395\u03BB\u03BB\u03AC\u03B4\u03B1'],
      ['Devanagari with its digits', '\u0926\u0947\u0935 \u0967\u0968'],
      ['Arabic with its digits', '\u0641\u0631\u064A\u0642 \u0661\u0662'],
    ])('accepts letters, marks and digits of another script (%s)', async (_label, word) => {
      const name = `${word} ${uniqueDigits()}`;
      const res = await create(name);
      expect(res.status).toBe(201);
      expect(res.body.room.name).toBe(name.normalize('NFC'));
    });

    it.each(FORBIDDEN)('refuses a room name containing %s', async (_label, name) => {
      expectError(await create(`${name} ${uniqueRoomName('f')}`), ErrorCode.ValidationFailed);
    });
  });

  describe('usernames', () => {
    async function join(username: unknown) {
      const owner = await createRoom(server());
      return { owner, res: await postSession(server(), owner.room, { username, verifier: owner.verifier }) };
    }

    it('accepts a username of one character', async () => {
      const { res } = await join('z');
      expect(res.status).toBe(201);
    });

    it('accepts a username of exactly 32 characters', async () => {
      const name = 'u'.repeat(USERNAME_MAX);
      const { res } = await join(name);
      expect(res.status).toBe(201);
      expect(res.body.members.map((m: { name: string }) => m.name)).toContain(name);
    });

    it('counts code points: 32 astral letters are accepted', async () => {
      const { res } = await join(ASTRAL_LETTER.repeat(USERNAME_MAX));
      expect(res.status).toBe(201);
    });

    it('refuses a username of 33 characters', async () => {
      const { res } = await join('u'.repeat(USERNAME_MAX + 1));
      expectError(res, ErrorCode.ValidationFailed);
    });

    it("refuses a creator's username of 33 characters", async () => {
      expectError(await create(uniqueRoomName(), 'u'.repeat(USERNAME_MAX + 1)), ErrorCode.ValidationFailed);
    });

    it('refuses an empty username', async () => {
      const { res } = await join('  ');
      expectError(res, ErrorCode.ValidationFailed);
    });

    it('shows the username as typed after trim and NFC', async () => {
      const { owner, res } = await join('  Zoe\u0308 Li  ');
      expect(res.status).toBe(201);
      expect(byName(res.body.members)).toEqual(byName([member(owner.username, 'away', true), member('Zo\u00EB Li', 'away')]));
    });

    it('shows the creator as typed after trim and NFC', async () => {
      const res = await create(uniqueRoomName(), '  Rene\u0301 ');
      expect(res.status).toBe(201);
      expect(res.body.room.creator).toBe('Ren\u00E9');
      expect(res.body.members).toEqual([member('Ren\u00E9', 'away', true)]);
    });

    it('refuses a username already taken in the room', async () => {
      const { res } = await join('alice');
      expectError(res, ErrorCode.UsernameTaken);
    });

    it('compares usernames case-insensitively', async () => {
      const { res } = await join('ALICE');
      expectError(res, ErrorCode.UsernameTaken);
    });

    it('compares usernames after NFC', async () => {
      const owner = await createRoom(server(), { username: 'Zo\u00EB' });
      const res = await postSession(server(), owner.room, { username: 'zoe\u0308', verifier: owner.verifier });
      expectError(res, ErrorCode.UsernameTaken);
    });

    it('allows the same username in another room', async () => {
      const first = await createRoom(server(), { username: 'carol' });
      const second = await createRoom(server(), { username: 'dave' });
      const res = await postSession(server(), second.room, { username: first.username, verifier: second.verifier });
      expect(res.status).toBe(201);
    });

    it.each(FORBIDDEN)('refuses a username containing %s', async (_label, name) => {
      const { res } = await join(name);
      expectError(res, ErrorCode.ValidationFailed);
    });
  });

  describe('look-alike names (docs/protocol.md §1)', () => {
    it('refuses a room whose name looks like a live room\'s, in its own script or another, with ROOM_EXISTS', async () => {
      const coco = `Coco ${uniqueDigits()}`;
      expect((await create(coco)).status).toBe(201);

      for (const lookAlike of [coco.replace('Coco', CYRILLIC_COCO), coco.replace('Coco', GREEK_COCO), coco.replace('o', '0')]) {
        expectError(await create(lookAlike, 'mallory'), ErrorCode.RoomExists);
        expectError(await getKdf(server(), lookAlike), ErrorCode.RoomNotFound);
      }
    });

    it('refuses a username that looks like a member\'s with USERNAME_TAKEN', async () => {
      const owner = await createRoom(server(), { username: 'pepe' });
      await joinRoom(server(), owner, { username: 'alice' });

      for (const lookAlike of [CYRILLIC_PEPE, CYRILLIC_PEPE.toUpperCase(), 'a1ice']) {
        expectError(await postSession(server(), owner.room, { username: lookAlike, verifier: owner.verifier }), ErrorCode.UsernameTaken);
      }
    });

    it('refuses room names and usernames that mix scripts with VALIDATION_FAILED', async () => {
      const owner = await createRoom(server(), { username: 'bob' });

      expectError(await create(`${MIXED_PAYPAL} ${uniqueDigits()}`), ErrorCode.ValidationFailed);
      expectError(await create(uniqueRoomName(), 'b\u043Eb'), ErrorCode.ValidationFailed);
      expectError(await postSession(server(), owner.room, { username: 'b\u043Eb', verifier: owner.verifier }), ErrorCode.ValidationFailed);
      expectError(await getKdf(server(), `${MIXED_PAYPAL} room`), ErrorCode.ValidationFailed);
    });

    it('frees a look-alike name once the room has ended, and a username once its member left', async () => {
      const digits = uniqueDigits();
      const coco = await createRoom(server(), { room: `Coco ${digits}`, username: 'pepe' });
      const guest = await joinRoom(server(), coco, { username: 'alice' });
      expectError(await postSession(server(), coco.room, { username: CYRILLIC_PEPE, verifier: coco.verifier }), ErrorCode.UsernameTaken);
      expectError(await create(`${CYRILLIC_COCO} ${digits}`), ErrorCode.RoomExists);

      expect((await deleteSession(server(), coco.token, { from: coco.from })).status).toBe(204);
      const lookAlike = await joinRoom(server(), coco, { username: CYRILLIC_PEPE });

      for (const member of [guest, lookAlike]) expect((await deleteSession(server(), member.token, { from: member.from })).status).toBe(204);
      expectError(await getKdf(server(), coco.room), ErrorCode.RoomNotFound);
      expect((await create(`${CYRILLIC_COCO} ${digits}`)).status).toBe(201);
    });

    it('still accepts all-Cyrillic, all-Greek, Japanese and Korean names', async () => {
      const team = await createRoom(server(), { room: `\u041A\u043E\u043C\u0430\u043D\u0434\u0430 ${uniqueDigits()}`, username: '\u0395\u03BB\u03AD\u03BD\u03B7' });
      await joinRoom(server(), team, { username: '\u0412\u0435\u0440\u0430' });
      await joinRoom(server(), team, { username: '\u305F\u306A\u304B' });
      const last = await joinRoom(server(), team, { username: 'T\u30B7\u30E3\u30C4' });
      expect(last.grant.members.map((shown) => shown.name).sort()).toEqual(['\u0395\u03BB\u03AD\u03BD\u03B7', '\u0412\u0435\u0440\u0430', '\u305F\u306A\u304B', 'T\u30B7\u30E3\u30C4'].sort());
      await createRoom(server(), { room: `\u6771\u4EAC\u30C1\u30FC\u30E0 ${uniqueDigits()}`, username: '\uAE40\uBBFC\uC900' });
      await createRoom(server(), { room: `\uD55C\uAD6D \u6F22\u5B57 ${uniqueDigits()}`, username: '\u6797' });
    });
  });
});
