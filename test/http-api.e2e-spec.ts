import { apiPaths, ErrorCode, VAULT_PATTERN } from '@ciphernest/protocol';
import {
  byName,
  connectAs,
  createRoom,
  deleteSession,
  expectError,
  getDirectory,
  getExists,
  getKdf,
  http,
  joinRoom,
  member,
  nextAddress,
  postRoom,
  postSession,
  randomKdf,
  randomVerifier,
  uniqueRoomName,
} from './support/builders';
import { closeAllClients } from './support/chat-client';
import { useServer } from './support/server-process';

// docs/protocol.md §4: the HTTP API, its success shapes and its errors.

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The token with one letter or digit changed at about `at` (0..1 of its length), never the last character (whose spare bits may not count). */
function tampered(token: string, at: number): string {
  let index = Math.min(token.length - 2, Math.floor(token.length * at));
  while (index > 0 && !/[A-Za-z0-9]/.test(token[index])) index -= 1;
  const replacement = token[index] === 'A' ? 'B' : 'A';
  return `${token.slice(0, index)}${replacement}${token.slice(index + 1)}`;
}

describe('HTTP API (docs/protocol.md §4)', () => {
  afterEach(closeAllClients);

  describe('with default settings', () => {
    const server = useServer({ DISCONNECT_GRACE_MS: '60000' });

    describe('POST /api/rooms', () => {
      it('creates a room: 201 with a token, the RoomInfo and the creator as only member, away', async () => {
        const room = uniqueRoomName('Create');
        const kdf = randomKdf();
        const before = Date.now();
        const res = await postRoom(server(), { room, username: 'Alice', verifier: randomVerifier(), kdf });
        expect(res.status).toBe(201);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.body).toEqual({
          token: expect.any(String),
          vault: expect.stringMatching(VAULT_PATTERN),
          room: { name: room, creator: 'Alice', createdAt: expect.stringMatching(ISO_8601), kdf },
          members: [member('Alice', 'away', true)],
        });
        expect(res.body.token.length).toBeGreaterThan(0);
        const createdAt = Date.parse(res.body.room.createdAt);
        expect(createdAt).toBeGreaterThanOrEqual(before - 5_000);
        expect(createdAt).toBeLessThanOrEqual(Date.now() + 5_000);
      });

      it('refuses a second room with the same name: 409 ROOM_EXISTS', async () => {
        const owner = await createRoom(server());
        expectError(await postRoom(server(), { room: owner.room, username: 'mallory', verifier: randomVerifier(), kdf: randomKdf() }), ErrorCode.RoomExists);
      });

      it('issues distinct tokens to distinct sessions', async () => {
        const owner = await createRoom(server());
        const guest = await joinRoom(server(), owner);
        expect(guest.token).not.toBe(owner.token);
      });

      it('gives every session a vault of its own: 32 random bytes, b64url', async () => {
        const owner = await createRoom(server());
        const guests = [await joinRoom(server(), owner), await joinRoom(server(), owner, { username: 'carol' })];
        const vaults = [owner, ...guests].map((session) => session.grant.vault);
        expect(vaults.every((vault) => Buffer.from(vault, 'base64url').length === 32)).toBe(true);
        expect(new Set(vaults).size).toBe(3);
      });
    });

    describe('GET /api/rooms/:room/kdf', () => {
      it("returns the room's kdf: 200 { kdf }", async () => {
        const owner = await createRoom(server());
        const res = await getKdf(server(), owner.room);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ kdf: owner.kdf });
      });

      it('answers 404 ROOM_NOT_FOUND for an unknown room', async () => {
        expectError(await getKdf(server(), uniqueRoomName('nowhere')), ErrorCode.RoomNotFound);
      });

      it('decodes a percent-encoded name with spaces and non-ASCII letters', async () => {
        const owner = await createRoom(server(), { room: `Salle \u00E0 manger ${uniqueRoomName('\u00E9t\u00E9')}` });
        const path = apiPaths.kdf(owner.room);
        expect(path).toContain('%20');
        expect(path).toContain('%C3%A0');
        const res = await http(server(), nextAddress()).get(path);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ kdf: owner.kdf });
      });

      it('refuses a looked-up name that breaks the name rules with 400', async () => {
        expectError(await getKdf(server(), 'what?ever'), ErrorCode.ValidationFailed);
      });

      it('refuses a looked-up name of 65 characters with 400', async () => {
        expectError(await getKdf(server(), 'x'.repeat(65)), ErrorCode.ValidationFailed);
      });
    });

    describe('GET /api/rooms/:room/exists (an addition to the contract)', () => {
      it('answers 200 { exists: true } for a room, whatever the case of its name', async () => {
        const owner = await createRoom(server());
        for (const name of [owner.room, owner.room.toUpperCase()]) {
          const res = await getExists(server(), name);
          expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { exists: true } });
        }
      });

      it('answers 200 { exists: false } where kdf answers 404 ROOM_NOT_FOUND', async () => {
        const room = uniqueRoomName('nowhere');
        expectError(await getKdf(server(), room), ErrorCode.RoomNotFound);
        const res = await getExists(server(), room);
        expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { exists: false } });
      });

      it('refuses a name that breaks the name rules with 400, as kdf does', async () => {
        expectError(await getExists(server(), 'what?ever'), ErrorCode.ValidationFailed);
      });
    });

    describe('POST /api/rooms/:room/sessions', () => {
      it('joins: 201 with a token, the same RoomInfo and both members', async () => {
        const owner = await createRoom(server(), { username: 'alice' });
        const res = await postSession(server(), owner.room, { username: 'bob', verifier: owner.verifier });
        expect(res.status).toBe(201);
        expect(res.body).toEqual({ token: expect.any(String), vault: expect.stringMatching(VAULT_PATTERN), room: owner.grant.room, members: expect.any(Array) });
        expect(byName(res.body.members)).toEqual([member('alice', 'away', true), member('bob', 'away', false)]);
      });

      it('lists connected members as online', async () => {
        const owner = await createRoom(server(), { username: 'alice' });
        await connectAs(server(), owner);
        const res = await postSession(server(), owner.room, { username: 'bob', verifier: owner.verifier });
        expect(res.status).toBe(201);
        expect(byName(res.body.members)).toEqual([member('alice', 'online', true), member('bob', 'away', false)]);
      });

      it('joins a room whose percent-encoded name has spaces and non-ASCII letters', async () => {
        const owner = await createRoom(server(), { room: `Caf\u00E9 du coin ${uniqueRoomName('\u65E5\u672C')}` });
        const res = await postSession(server(), owner.room, { username: 'bob', verifier: owner.verifier });
        expect(res.status).toBe(201);
      });

      it('refuses a wrong verifier: 401 BAD_CREDENTIALS', async () => {
        const owner = await createRoom(server());
        expectError(await postSession(server(), owner.room, { username: 'bob', verifier: randomVerifier() }), ErrorCode.BadCredentials);
      });

      it('answers 404 ROOM_NOT_FOUND for an unknown room', async () => {
        expectError(await postSession(server(), uniqueRoomName('nowhere'), { username: 'bob', verifier: randomVerifier() }), ErrorCode.RoomNotFound);
      });

      it('refuses a taken username: 409 USERNAME_TAKEN', async () => {
        const owner = await createRoom(server(), { username: 'alice' });
        expectError(await postSession(server(), owner.room, { username: 'alice', verifier: owner.verifier }), ErrorCode.UsernameTaken);
      });
    });

    describe('DELETE /api/session', () => {
      it('ends the session: 204 with no body', async () => {
        const owner = await createRoom(server());
        const res = await deleteSession(server(), owner.token, { from: owner.from });
        expect(res.status).toBe(204);
        expect(res.text).toBe('');
      });

      it('frees the username of the ended session', async () => {
        const owner = await createRoom(server(), { username: 'alice' });
        const guest = await joinRoom(server(), owner, { username: 'bob' });
        expect((await deleteSession(server(), guest.token, { from: guest.from })).status).toBe(204);
        expect((await postSession(server(), owner.room, { username: 'bob', verifier: owner.verifier })).status).toBe(201);
      });

      it('refuses a garbage token: 401 TOKEN_INVALID', async () => {
        expectError(await deleteSession(server(), 'not-a-token', { from: nextAddress() }), ErrorCode.TokenInvalid);
      });

      it.each([
        ['near its start', 0.1],
        ['in its middle', 0.5],
        ['near its end', 0.95],
      ])('refuses a token changed %s: 401 TOKEN_INVALID', async (_where, at) => {
        const owner = await createRoom(server());
        const forged = tampered(owner.token, at);
        expect(forged).not.toBe(owner.token);
        expectError(await deleteSession(server(), forged, { from: owner.from }), ErrorCode.TokenInvalid);
      });

      it('refuses a truncated token: 401 TOKEN_INVALID', async () => {
        const owner = await createRoom(server());
        expectError(await deleteSession(server(), owner.token.slice(0, -4), { from: owner.from }), ErrorCode.TokenInvalid);
      });

      it('refuses a request without Authorization: 401 TOKEN_INVALID', async () => {
        expectError(await deleteSession(server(), undefined, { from: nextAddress() }), ErrorCode.TokenInvalid);
      });

      it('refuses the token of an ended session: 401 SESSION_NOT_FOUND', async () => {
        const owner = await createRoom(server());
        const guest = await joinRoom(server(), owner);
        expect((await deleteSession(server(), guest.token, { from: guest.from })).status).toBe(204);
        expectError(await deleteSession(server(), guest.token, { from: guest.from }), ErrorCode.SessionNotFound);
      });

      it('refuses the token of the last session of a deleted room: 401 SESSION_NOT_FOUND', async () => {
        const owner = await createRoom(server());
        expect((await deleteSession(server(), owner.token, { from: owner.from })).status).toBe(204);
        expectError(await deleteSession(server(), owner.token, { from: owner.from }), ErrorCode.SessionNotFound);
      });

      it('refuses the token of an ended session even after the same name rejoins from the same address', async () => {
        const owner = await createRoom(server());
        const first = await joinRoom(server(), owner, { username: 'bob' });
        expect((await deleteSession(server(), first.token, { from: first.from })).status).toBe(204);
        const second = await joinRoom(server(), owner, { username: 'bob', from: first.from });
        expectError(await deleteSession(server(), first.token, { from: first.from }), ErrorCode.SessionNotFound);
        expect((await deleteSession(server(), second.token, { from: second.from })).status).toBe(204);
      });

      it('refuses a token used from another address: 403 IP_MISMATCH', async () => {
        const owner = await createRoom(server());
        expectError(await deleteSession(server(), owner.token, { from: nextAddress() }), ErrorCode.IpMismatch);
      });

      it('leaves the session alive after an IP_MISMATCH', async () => {
        const owner = await createRoom(server());
        await deleteSession(server(), owner.token, { from: nextAddress() });
        expect((await deleteSession(server(), owner.token, { from: owner.from })).status).toBe(204);
      });

      it('deletes the room when its last session ends', async () => {
        const owner = await createRoom(server());
        expect((await deleteSession(server(), owner.token, { from: owner.from })).status).toBe(204);
        expectError(await getKdf(server(), owner.room), ErrorCode.RoomNotFound);
      });
    });

    describe('GET /api/rooms', () => {
      it('is off by default: 404 NOT_FOUND', async () => {
        await createRoom(server());
        expectError(await getDirectory(server()), ErrorCode.NotFound);
      });
    });

    describe('unknown routes', () => {
      it('answer 404 NOT_FOUND with the error body', async () => {
        expectError(await http(server(), nextAddress()).get('/api/nothing-here'), ErrorCode.NotFound);
      });
    });

    describe('GET /healthz', () => {
      it('answers 200 { status: "ok" }', async () => {
        const res = await http(server(), nextAddress()).get(apiPaths.health());
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ status: 'ok' });
      });
    });
  });

  describe('with ROOM_DIRECTORY=true and MAX_MEMBERS_PER_ROOM=2', () => {
    const server = useServer({ DISCONNECT_GRACE_MS: '60000', ROOM_DIRECTORY: 'true', MAX_MEMBERS_PER_ROOM: '2' });

    it('lists rooms with their member counts', async () => {
      const owner = await createRoom(server(), { room: uniqueRoomName('Listed Room') });
      const lonely = await createRoom(server(), { room: uniqueRoomName('Lonely') });
      await joinRoom(server(), owner);
      const res = await getDirectory(server());
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(['rooms']);
      expect(res.body.rooms).toEqual(expect.arrayContaining([{ name: owner.room, members: 2 }, { name: lonely.room, members: 1 }]));
    });

    it('drops deleted rooms from the directory', async () => {
      const owner = await createRoom(server());
      expect((await deleteSession(server(), owner.token, { from: owner.from })).status).toBe(204);
      const res = await getDirectory(server());
      expect(res.status).toBe(200);
      expect(res.body.rooms.map((room: { name: string }) => room.name)).not.toContain(owner.room);
    });

    it('refuses a join beyond MAX_MEMBERS_PER_ROOM: 409 ROOM_FULL', async () => {
      const owner = await createRoom(server());
      await joinRoom(server(), owner, { username: 'bob' });
      expectError(await postSession(server(), owner.room, { username: 'carol', verifier: owner.verifier }), ErrorCode.RoomFull);
    });

    it('admits again once a member has left', async () => {
      const owner = await createRoom(server());
      const bob = await joinRoom(server(), owner, { username: 'bob' });
      expect((await deleteSession(server(), bob.token, { from: bob.from })).status).toBe(204);
      expect((await postSession(server(), owner.room, { username: 'carol', verifier: owner.verifier })).status).toBe(201);
    });
  });

  describe('with MAX_ROOMS=1', () => {
    const server = useServer({ DISCONNECT_GRACE_MS: '60000', MAX_ROOMS: '1' });

    it('refuses a room beyond MAX_ROOMS: 503 CAPACITY, and creates again once the room is gone', async () => {
      const owner = await createRoom(server());
      expectError(await postRoom(server(), { room: uniqueRoomName(), username: 'bob', verifier: randomVerifier(), kdf: randomKdf() }), ErrorCode.Capacity);
      expect((await deleteSession(server(), owner.token, { from: owner.from })).status).toBe(204);
      const next = await createRoom(server());
      expect(next.grant.room.name).toBe(next.room);
    });
  });
});
