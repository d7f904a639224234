import { Room } from '../membership/domain/room';
import { type RoomRepository } from '../membership/application/ports/room.repository';
import { nameSkeleton } from '../shared/name-skeleton';
import type { AddressQuota } from '../membership/domain/address-quota';
import { aKdf, verifierFor } from './membership-harness';

function aRoom(name: string, createdAt = 1_700_000_000_000): Room {
  return Room.open({
    key: name.toLowerCase(),
    name,
    creator: 'Alice',
    creatorAddress: '203.0.113.7',
    createdAt,
    kdf: aKdf(),
    verifier: verifierFor(name),
  });
}

/** Spellings of "coco" that look alike but have keys of their own: Cyrillic, Greek, mathematical bold, digit zeros. */
const LOOK_ALIKES = ['\u0441\u043E\u0441\u043E', '\u03F2\u03BF\u03F2\u03BF', '\u{1D41C}\u{1D428}\u{1D41C}\u{1D428}', 'c0c0'];

/** The RoomRepository contract; every adapter's spec runs it. */
export function roomRepositoryContract(makeRepository: () => RoomRepository | Promise<RoomRepository>): void {
  let rooms: RoomRepository;

  beforeEach(async () => {
    rooms = await makeRepository();
  });

  /** Inserts with the skeleton the HTTP layer computes for the room's name. */
  const insert = (room: Room, maxRooms: number, quota?: AddressQuota) => rooms.insert(room, maxRooms, nameSkeleton(room.key), quota);

  it('inserts a room and finds it by key', async () => {
    expect(await insert(aRoom('Lobby'), 10)).toBe('inserted');

    const found = await rooms.get('lobby');
    expect(found?.info()).toEqual(aRoom('Lobby').info());
    expect(found?.admits(verifierFor('Lobby'))).toBe(true);
  });

  it('finds nothing under an unknown key', async () => {
    expect(await rooms.get('nowhere')).toBeUndefined();
  });

  it('refuses a second room with the same key as exists, keeping the first', async () => {
    await insert(aRoom('Lobby', 1), 10);

    expect(await insert(aRoom('LOBBY', 2), 10)).toBe('exists');
    expect((await rooms.get('lobby'))?.name).toBe('Lobby');
  });

  it.each(LOOK_ALIKES)('refuses a room whose name looks like a live room\'s (coco and %s), keeping the first', async (lookAlike) => {
    await insert(aRoom('Coco', 1), 10);

    expect(await insert(aRoom(lookAlike, 2), 10)).toBe('exists');
    expect(await rooms.get(lookAlike.toLowerCase())).toBeUndefined();
    expect((await rooms.list()).map((room) => room.name)).toEqual(['Coco']);
  });

  it('answers exists for a look-alike before full', async () => {
    await insert(aRoom('Coco'), 1);

    expect(await insert(aRoom(LOOK_ALIKES[0]!), 1)).toBe('exists');
  });

  it('frees the look-alike form of a removed room', async () => {
    await insert(aRoom('Coco'), 10);
    await rooms.remove('coco');

    expect(await insert(aRoom(LOOK_ALIKES[0]!), 10)).toBe('inserted');
    expect(await insert(aRoom('Coco'), 10)).toBe('exists');
  });

  it('admits exactly one of many look-alike rooms inserted at once', async () => {
    const insertions = await Promise.all(['Coco', ...LOOK_ALIKES].map((name, n) => insert(aRoom(name, n), 10)));

    expect(insertions.filter((insertion) => insertion === 'inserted')).toHaveLength(1);
    expect(await rooms.list()).toHaveLength(1);
  });

  it('inserts up to maxRooms rooms', async () => {
    await insert(aRoom('One'), 2);

    expect(await insert(aRoom('Two'), 2)).toBe('inserted');
  });

  it('refuses a room beyond maxRooms as full, without storing it', async () => {
    await insert(aRoom('One'), 2);
    await insert(aRoom('Two'), 2);

    expect(await insert(aRoom('Three'), 2)).toBe('full');
    expect(await rooms.get('three')).toBeUndefined();
  });

  it('removes a room: true, then false', async () => {
    await insert(aRoom('Lobby'), 10);

    expect(await rooms.remove('lobby')).toBe(true);
    expect(await rooms.remove('lobby')).toBe(false);
    expect(await rooms.get('lobby')).toBeUndefined();
  });

  it('lists every room', async () => {
    await insert(aRoom('One'), 10);
    await insert(aRoom('Two'), 10);

    expect((await rooms.list()).map((room) => room.name).sort()).toEqual(['One', 'Two']);
  });

  it('makes room for another once a room is removed', async () => {
    await insert(aRoom('One'), 1);
    await rooms.remove('one');

    expect(await insert(aRoom('Two'), 1)).toBe('inserted');
  });

  describe('rooms per creator address key', () => {
    const from = (key: string, max = 2) => ({ key, max });

    it('inserts up to quota.max rooms from one address key', async () => {
      await insert(aRoom('One'), 10, from('2001:db8::/64'));

      expect(await insert(aRoom('Two'), 10, from('2001:db8::/64'))).toBe('inserted');
    });

    it('refuses a room beyond quota.max from that key as address-full, without storing it', async () => {
      await insert(aRoom('One'), 10, from('2001:db8::/64'));
      await insert(aRoom('Two'), 10, from('2001:db8::/64'));

      expect(await insert(aRoom('Three'), 10, from('2001:db8::/64'))).toBe('address-full');
      expect(await rooms.get('three')).toBeUndefined();
      expect(await rooms.list()).toHaveLength(2);
    });

    it('counts each address key on its own', async () => {
      await insert(aRoom('One'), 10, from('2001:db8::/64', 1));

      expect(await insert(aRoom('Two'), 10, from('2001:db8:0:1::/64', 1))).toBe('inserted');
      expect(await insert(aRoom('Three'), 10, from('198.51.100.4', 1))).toBe('inserted');
    });

    it('checks the address key before the name and maxRooms', async () => {
      await insert(aRoom('One'), 1, from('198.51.100.4', 1));

      expect(await insert(aRoom('ONE'), 1, from('198.51.100.4', 1))).toBe('address-full');
    });

    it('counts neither a refused room nor a room inserted without a quota', async () => {
      await insert(aRoom('One'), 10);
      await insert(aRoom('Two'), 10, from('198.51.100.4', 1));
      await rooms.remove('two');
      await insert(aRoom('Three'), 10, from('198.51.100.4', 1));
      expect(await insert(aRoom('One'), 10, from('203.0.113.9', 1))).toBe('exists');

      expect(await insert(aRoom('Four'), 10, from('203.0.113.9', 1))).toBe('inserted');
    });

    it('gives the slot back when one of the rooms is removed', async () => {
      await insert(aRoom('One'), 10, from('2001:db8::/64'));
      await insert(aRoom('Two'), 10, from('2001:db8::/64'));
      await rooms.remove('one');

      expect(await insert(aRoom('Three'), 10, from('2001:db8::/64'))).toBe('inserted');
      expect(await insert(aRoom('Four'), 10, from('2001:db8::/64'))).toBe('address-full');
    });

    it('gives a slot back once only, however often the room is removed', async () => {
      await insert(aRoom('One'), 10, from('2001:db8::/64'));
      await insert(aRoom('Two'), 10, from('2001:db8::/64'));
      await rooms.remove('one');
      await rooms.remove('one');
      await insert(aRoom('Three'), 10, from('2001:db8::/64'));

      expect(await insert(aRoom('Four'), 10, from('2001:db8::/64'))).toBe('address-full');
    });

    it('admits exactly quota.max of many rooms inserted at once from one key', async () => {
      const many = Array.from({ length: 20 }, (_, n) => aRoom(`Room${n}`));

      const insertions = await Promise.all(many.map((room) => insert(room, 100, from('2001:db8::/64', 5))));

      expect(insertions.filter((insertion) => insertion === 'inserted')).toHaveLength(5);
      expect(insertions.filter((insertion) => insertion === 'address-full')).toHaveLength(15);
      expect(await rooms.list()).toHaveLength(5);
    });
  });

  it('restores a room that admits its verifier only, with its creator address', async () => {
    await insert(aRoom('Lobby'), 10);

    const found = await rooms.get('lobby');
    expect(found?.admits(verifierFor('Kitchen'))).toBe(false);
    expect(found?.creatorAddress).toBe('203.0.113.7');
    expect(found?.isSameAs(aRoom('Lobby'))).toBe(true);
  });
}
