import { randomBytes } from 'node:crypto';
import { apiPaths, ErrorCode, KDF_LIMITS, MAX_JSON_BODY_BYTES } from '@ciphernest/protocol';
import { b64url, createRoom, expectError, getKdf, http, nextAddress, postRoom, postSession, randomKdf, randomVerifier, uniqueRoomName } from './support/builders';
import { useServer } from './support/server-process';

// docs/protocol.md §2 (accepted kdf ranges) and §4 (verifier shape, unknown fields, body size, errors).

describe('Request validation (docs/protocol.md §2, §4)', () => {
  const server = useServer({ DISCONNECT_GRACE_MS: '60000' });

  function createWith(overrides: Record<string, unknown>) {
    return postRoom(server(), { room: uniqueRoomName(), username: 'alice', verifier: randomVerifier(), kdf: randomKdf(), ...overrides });
  }

  function createWithKdf(kdf: Record<string, unknown>) {
    return createWith({ kdf });
  }

  describe('kdf parameters', () => {
    const { memoryKiB, iterations } = KDF_LIMITS;

    it.each([memoryKiB.min, memoryKiB.max])('accepts m = %i KiB', async (m) => {
      const kdf = randomKdf({ m });
      const res = await createWithKdf({ ...kdf });
      expect(res.status).toBe(201);
      expect(res.body.room.kdf).toEqual(kdf);
    });

    it.each([memoryKiB.min - 1, memoryKiB.max + 1])('refuses m = %i KiB', async (m) => {
      expectError(await createWithKdf({ ...randomKdf(), m }), ErrorCode.ValidationFailed);
    });

    it.each([iterations.min, iterations.max])('accepts t = %i', async (t) => {
      const res = await createWithKdf({ ...randomKdf({ t }) });
      expect(res.status).toBe(201);
    });

    it.each([iterations.min - 1, iterations.max + 1])('refuses t = %i', async (t) => {
      expectError(await createWithKdf({ ...randomKdf(), t }), ErrorCode.ValidationFailed);
    });

    it.each([0, 2])('refuses p = %i', async (p) => {
      expectError(await createWithKdf({ ...randomKdf(), p }), ErrorCode.ValidationFailed);
    });

    it('refuses a non-integer m', async () => {
      expectError(await createWithKdf({ ...randomKdf(), m: memoryKiB.min + 0.5 }), ErrorCode.ValidationFailed);
    });

    it('refuses m given as a string', async () => {
      expectError(await createWithKdf({ ...randomKdf(), m: String(memoryKiB.min) }), ErrorCode.ValidationFailed);
    });

    it.each([15, 17])('refuses a salt of %i bytes', async (bytes) => {
      expectError(await createWithKdf({ ...randomKdf(), salt: b64url(randomBytes(bytes)) }), ErrorCode.ValidationFailed);
    });

    it('refuses a padded salt', async () => {
      const salt = `${randomBytes(16).toString('base64url')}==`;
      expectError(await createWithKdf({ ...randomKdf(), salt }), ErrorCode.ValidationFailed);
    });

    it('refuses a salt in standard base64 (+ and /)', async () => {
      const salt = `+/${b64url(randomBytes(16)).slice(2)}`;
      expectError(await createWithKdf({ ...randomKdf(), salt }), ErrorCode.ValidationFailed);
    });

    it.each(['argon2i', 'argon2d', 'ARGON2ID', 'scrypt'])('refuses alg = %s', async (alg) => {
      expectError(await createWithKdf({ ...randomKdf(), alg }), ErrorCode.ValidationFailed);
    });

    it.each(['alg', 'm', 't', 'p', 'salt'])('refuses a kdf without %s', async (field) => {
      const kdf: Record<string, unknown> = { ...randomKdf() };
      delete kdf[field];
      expectError(await createWithKdf(kdf), ErrorCode.ValidationFailed);
    });

    it('refuses an unknown field inside kdf', async () => {
      expectError(await createWithKdf({ ...randomKdf(), version: 19 }), ErrorCode.ValidationFailed);
    });

    it.each([
      ['missing', undefined],
      ['null', null],
      ['an array', []],
      ['a string', 'argon2id'],
    ])('refuses a kdf that is %s', async (_label, kdf) => {
      expectError(await createWith({ kdf }), ErrorCode.ValidationFailed);
    });

    it('returns the stored kdf unchanged on lookup', async () => {
      const kdf = randomKdf({ m: 65_536, t: 3 });
      const created = await createRoom(server(), { kdf });
      const res = await getKdf(server(), created.room);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ kdf });
    });
  });

  describe('verifier', () => {
    const valid = randomVerifier();
    const nonCanonical = `${valid.slice(0, 42)}B`; // 32 bytes leave 4 zero bits in the last character

    it.each([
      ['42 characters', valid.slice(0, 42)],
      ['44 characters', `${valid}A`],
      ['padded', `${valid}=`],
      ['with + (standard base64)', `+${valid.slice(1)}`],
      ['with / (standard base64)', `/${valid.slice(1)}`],
      ['non-canonical in its last character', nonCanonical],
      ['empty', ''],
      ['a number', 12345],
      ['null', null],
    ])('refuses a verifier that is %s on create', async (_label, verifier) => {
      expectError(await createWith({ verifier }), ErrorCode.ValidationFailed);
    });

    it('refuses a create without verifier', async () => {
      expectError(await postRoom(server(), { room: uniqueRoomName(), username: 'alice', kdf: randomKdf() }), ErrorCode.ValidationFailed);
    });

    it('refuses a join whose verifier has the wrong shape with 400, not 401', async () => {
      const owner = await createRoom(server());
      expectError(await postSession(server(), owner.room, { username: 'bob', verifier: owner.verifier.slice(0, 42) }), ErrorCode.ValidationFailed);
    });

    it('refuses a join without verifier', async () => {
      const owner = await createRoom(server());
      expectError(await postSession(server(), owner.room, { username: 'bob' }), ErrorCode.ValidationFailed);
    });
  });

  describe('unknown fields', () => {
    it('refuses an unknown top-level field on create', async () => {
      expectError(await createWith({ password: 'hunter22hunter22' }), ErrorCode.ValidationFailed);
    });

    it('refuses an unknown top-level field on join', async () => {
      const owner = await createRoom(server());
      const res = await postSession(server(), owner.room, { username: 'bob', verifier: owner.verifier, room: owner.room });
      expectError(res, ErrorCode.ValidationFailed);
    });

    // docs/protocol.md 1.1 §4: every own key not listed is unknown, whatever its name. Keys named like
    // Object.prototype's methods used to slip through (class-transformer dropped them before
    // class-validator looked).
    const INHERITED_NAMES = ['hasOwnProperty', 'toString', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__', '__lookupSetter__'];

    it.each(INHERITED_NAMES)('refuses an unknown top-level field named %s on create, and names it', async (name) => {
      const res = await createWith({ [name]: 1 });
      expectError(res, ErrorCode.ValidationFailed);
      expect(res.body.details).toEqual([{ field: name, problems: [`property ${name} should not exist`] }]);
    });

    it('refuses hasOwnProperty, toString and valueOf together on create', async () => {
      expectError(await createWith({ hasOwnProperty: 'x', toString: 'y', valueOf: 'z' }), ErrorCode.ValidationFailed);
    });

    it.each(INHERITED_NAMES)('refuses an unknown field named %s on join', async (name) => {
      const owner = await createRoom(server());
      expectError(await postSession(server(), owner.room, { username: 'bob', verifier: owner.verifier, [name]: 1 }), ErrorCode.ValidationFailed);
    });

    it.each(INHERITED_NAMES)('refuses an unknown field named %s inside kdf', async (name) => {
      expectError(await createWithKdf({ ...randomKdf(), [name]: 1 }), ErrorCode.ValidationFailed);
    });

    it('still accepts a body of exactly the listed fields after those refusals', async () => {
      expect((await createWith({})).status).toBe(201);
    });

    it('validates before looking at state: a bad body for an existing room name is 400, not 409', async () => {
      const owner = await createRoom(server());
      expectError(await createWith({ room: owner.room, extra: true }), ErrorCode.ValidationFailed);
    });
  });

  describe('bodies', () => {
    function raw(path: string, body: string | Buffer) {
      return http(server(), nextAddress()).request({ method: 'POST', path, rawBody: body });
    }

    /** A create body of exactly `bytes` bytes whose room name is far too long. */
    function createBodyOf(bytes: number): string {
      const shell = { room: '', username: 'alice', verifier: randomVerifier(), kdf: randomKdf() };
      const overhead = Buffer.byteLength(JSON.stringify(shell));
      const body = JSON.stringify({ ...shell, room: 'r'.repeat(bytes - overhead) });
      expect(Buffer.byteLength(body)).toBe(bytes);
      return body;
    }

    it('refuses malformed JSON with 400 VALIDATION_FAILED', async () => {
      expectError(await raw(apiPaths.rooms(), '{"room": "a", "username": '), ErrorCode.ValidationFailed);
    });

    it('refuses a JSON array as body', async () => {
      expectError(await raw(apiPaths.rooms(), '[]'), ErrorCode.ValidationFailed);
    });

    it('refuses an empty body', async () => {
      expectError(await raw(apiPaths.rooms(), ''), ErrorCode.ValidationFailed);
    });

    it('reads a body of exactly 64 KiB (refused for its content, not its size)', async () => {
      expectError(await raw(apiPaths.rooms(), createBodyOf(MAX_JSON_BODY_BYTES)), ErrorCode.ValidationFailed);
    });

    it('refuses a JSON body one byte over 64 KiB with 413 PAYLOAD_TOO_LARGE', async () => {
      expectError(await raw(apiPaths.rooms(), createBodyOf(MAX_JSON_BODY_BYTES + 1)), ErrorCode.PayloadTooLarge);
    });

    it('refuses an oversized join body with 413', async () => {
      const owner = await createRoom(server());
      const body = JSON.stringify({ username: 'bob', verifier: owner.verifier, pad: 'p'.repeat(MAX_JSON_BODY_BYTES) });
      expectError(await raw(apiPaths.sessions(owner.room), body), ErrorCode.PayloadTooLarge);
    });

    it('answers errors with exactly statusCode, code and message (details optional) and no stack trace', async () => {
      const res = await raw(apiPaths.rooms(), '{not json');
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expectError(res, ErrorCode.ValidationFailed);
    });
  });
});
