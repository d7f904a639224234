import { createHash } from 'node:crypto';
import { Room, type NewRoom } from './room';

const VERIFIER = createHash('sha256').update('the right password').digest('base64url');
const OTHER_VERIFIER = createHash('sha256').update('another password').digest('base64url');
const CREATED_AT = Date.UTC(2025, 2, 4, 5, 6, 7, 89);

function newRoom(overrides: Partial<NewRoom> = {}): NewRoom {
  return {
    key: 'lobby',
    name: 'Lobby',
    creator: 'Alice',
    creatorAddress: '203.0.113.7',
    createdAt: CREATED_AT,
    kdf: { alg: 'argon2id', m: 65_536, t: 3, p: 1, salt: 'BwcHBwcHBwcHBwcHBwcHBw' },
    verifier: VERIFIER,
    ...overrides,
  };
}

/** Every string and byte sequence reachable from the object's own properties. */
function reachableValues(value: unknown, seen = new Set<unknown>()): string[] {
  if (typeof value === 'string') return [value];
  if (Buffer.isBuffer(value)) return [value.toString('hex'), value.toString('base64'), value.toString('base64url'), value.toString('latin1')];
  if (typeof value !== 'object' || value === null || seen.has(value)) return [];
  seen.add(value);
  const values = value instanceof Map ? [...value.keys(), ...value.values()] : Reflect.ownKeys(value).map((key) => (value as Record<string | symbol, unknown>)[key]);
  return values.flatMap((inner) => reachableValues(inner, seen));
}

describe('Room', () => {
  it('admits the verifier it was opened with', () => {
    const room = Room.open(newRoom());

    expect(room.admits(VERIFIER)).toBe(true);
  });

  it('refuses another verifier', () => {
    const room = Room.open(newRoom());

    expect(room.admits(OTHER_VERIFIER)).toBe(false);
  });

  it('refuses a verifier that differs in one character', () => {
    const room = Room.open(newRoom());
    const tampered = (VERIFIER[0] === 'A' ? 'B' : 'A') + VERIFIER.slice(1);

    expect(room.admits(tampered)).toBe(false);
  });

  it('refuses an empty verifier', () => {
    const room = Room.open(newRoom());

    expect(room.admits('')).toBe(false);
  });

  it('keeps no copy of the verifier in its own properties', () => {
    const room = Room.open(newRoom());
    const decoded = Buffer.from(VERIFIER, 'base64url');

    const values = reachableValues(room);
    expect(values.some((value) => value.includes(VERIFIER))).toBe(false);
    expect(values.some((value) => value.includes(decoded.toString('hex')))).toBe(false);
  });

  it('keeps no copy of the verifier in its JSON', () => {
    const json = JSON.stringify(Room.open(newRoom()));

    expect(json).not.toContain(VERIFIER);
    expect(json).not.toContain(JSON.stringify([...Buffer.from(VERIFIER, 'base64url')]).slice(1, -1));
  });

  it('keeps a 32-byte hash in place of the verifier', () => {
    const room = Room.open(newRoom());

    const buffers = Object.values(room).filter((value) => Buffer.isBuffer(value)) as Buffer[];
    expect(buffers.map((buffer) => buffer.length)).toEqual([32]);
  });

  it('describes itself as RoomInfo with an ISO-8601 creation time', () => {
    const room = Room.open(newRoom());

    expect(room.info()).toEqual({
      name: 'Lobby',
      creator: 'Alice',
      createdAt: '2025-03-04T05:06:07.089Z',
      kdf: { alg: 'argon2id', m: 65_536, t: 3, p: 1, salt: 'BwcHBwcHBwcHBwcHBwcHBw' },
    });
  });

  it('keeps its own copy of the kdf', () => {
    const props = newRoom();
    const room = Room.open(props);
    props.kdf.m = 1;
    room.info().kdf.t = 99;

    expect(room.info().kdf).toEqual({ alg: 'argon2id', m: 65_536, t: 3, p: 1, salt: 'BwcHBwcHBwcHBwcHBwcHBw' });
  });

  it('comes back from its snapshot admitting the same verifier only', () => {
    const props = newRoom();
    const restored = Room.restore(Room.open(props).snapshot());

    expect(restored.admits(props.verifier)).toBe(true);
    expect(restored.admits('B'.repeat(43))).toBe(false);
    expect(restored.info()).toEqual(Room.open(props).info());
    expect(restored.isSameAs(Room.open(props))).toBe(true);
  });

  it('keeps no verifier in its snapshot, only its hash', () => {
    const props = newRoom();
    const snapshot = Room.open(props).snapshot();

    expect(JSON.stringify(snapshot)).not.toContain(props.verifier);
    expect(Buffer.from(snapshot.verifierHash, 'base64url')).toHaveLength(32);
  });
});
