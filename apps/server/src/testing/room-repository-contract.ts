import { Room } from '../rooms/domain/room';
import { type RoomRepository } from '../rooms/application/ports/room.repository';
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

const ID = 'AAAAAAAAAAAAAAAAAAAAAA';

/** The RoomRepository contract; every adapter's spec runs it. */
export function roomRepositoryContract(makeRepository: () => RoomRepository | Promise<RoomRepository>): void {
  let rooms: RoomRepository;

  beforeEach(async () => {
    rooms = await makeRepository();
  });

  it('inserts a room and finds it by key', async () => {
    expect(await rooms.insert(aRoom('Lobby'), 10)).toBe('inserted');

    const found = await rooms.get('lobby');
    expect(found?.info()).toEqual(aRoom('Lobby').info());
    expect(found?.admits(verifierFor('Lobby'))).toBe(true);
  });

  it('finds nothing under an unknown key', async () => {
    expect(await rooms.get('nowhere')).toBeUndefined();
  });

  it('refuses a second room with the same key as exists, keeping the first', async () => {
    await rooms.insert(aRoom('Lobby', 1), 10);

    expect(await rooms.insert(aRoom('LOBBY', 2), 10)).toBe('exists');
    expect((await rooms.get('lobby'))?.name).toBe('Lobby');
  });

  it('inserts up to maxRooms rooms', async () => {
    await rooms.insert(aRoom('One'), 2);

    expect(await rooms.insert(aRoom('Two'), 2)).toBe('inserted');
  });

  it('refuses a room beyond maxRooms as full, without storing it', async () => {
    await rooms.insert(aRoom('One'), 2);
    await rooms.insert(aRoom('Two'), 2);

    expect(await rooms.insert(aRoom('Three'), 2)).toBe('full');
    expect(await rooms.get('three')).toBeUndefined();
  });

  it('removes a room: true, then false', async () => {
    await rooms.insert(aRoom('Lobby'), 10);

    expect(await rooms.remove('lobby')).toBe(true);
    expect(await rooms.remove('lobby')).toBe(false);
    expect(await rooms.get('lobby')).toBeUndefined();
  });

  it('lists every room', async () => {
    await rooms.insert(aRoom('One'), 10);
    await rooms.insert(aRoom('Two'), 10);

    expect((await rooms.list()).map((room) => room.name).sort()).toEqual(['One', 'Two']);
  });

  it('makes room for another once a room is removed', async () => {
    await rooms.insert(aRoom('One'), 1);
    await rooms.remove('one');

    expect(await rooms.insert(aRoom('Two'), 1)).toBe('inserted');
  });

  describe('rooms per creator address key', () => {
    const from = (key: string, max = 2) => ({ key, max });

    it('inserts up to quota.max rooms from one address key', async () => {
      await rooms.insert(aRoom('One'), 10, from('2001:db8::/64'));

      expect(await rooms.insert(aRoom('Two'), 10, from('2001:db8::/64'))).toBe('inserted');
    });

    it('refuses a room beyond quota.max from that key as address-full, without storing it', async () => {
      await rooms.insert(aRoom('One'), 10, from('2001:db8::/64'));
      await rooms.insert(aRoom('Two'), 10, from('2001:db8::/64'));

      expect(await rooms.insert(aRoom('Three'), 10, from('2001:db8::/64'))).toBe('address-full');
      expect(await rooms.get('three')).toBeUndefined();
      expect(await rooms.list()).toHaveLength(2);
    });

    it('counts each address key on its own', async () => {
      await rooms.insert(aRoom('One'), 10, from('2001:db8::/64', 1));

      expect(await rooms.insert(aRoom('Two'), 10, from('2001:db8:0:1::/64', 1))).toBe('inserted');
      expect(await rooms.insert(aRoom('Three'), 10, from('198.51.100.4', 1))).toBe('inserted');
    });

    it('checks the address key before the name and maxRooms', async () => {
      await rooms.insert(aRoom('One'), 1, from('198.51.100.4', 1));

      expect(await rooms.insert(aRoom('ONE'), 1, from('198.51.100.4', 1))).toBe('address-full');
    });

    it('counts neither a refused room nor a room inserted without a quota', async () => {
      await rooms.insert(aRoom('One'), 10);
      await rooms.insert(aRoom('Two'), 10, from('198.51.100.4', 1));
      await rooms.remove('two');
      await rooms.insert(aRoom('Three'), 10, from('198.51.100.4', 1));
      expect(await rooms.insert(aRoom('One'), 10, from('203.0.113.9', 1))).toBe('exists');

      expect(await rooms.insert(aRoom('Four'), 10, from('203.0.113.9', 1))).toBe('inserted');
    });

    it('gives the slot back when one of the rooms is removed', async () => {
      await rooms.insert(aRoom('One'), 10, from('2001:db8::/64'));
      await rooms.insert(aRoom('Two'), 10, from('2001:db8::/64'));
      await rooms.remove('one');

      expect(await rooms.insert(aRoom('Three'), 10, from('2001:db8::/64'))).toBe('inserted');
      expect(await rooms.insert(aRoom('Four'), 10, from('2001:db8::/64'))).toBe('address-full');
    });

    it('gives a slot back once only, however often the room is removed', async () => {
      await rooms.insert(aRoom('One'), 10, from('2001:db8::/64'));
      await rooms.insert(aRoom('Two'), 10, from('2001:db8::/64'));
      await rooms.remove('one');
      await rooms.remove('one');
      await rooms.insert(aRoom('Three'), 10, from('2001:db8::/64'));

      expect(await rooms.insert(aRoom('Four'), 10, from('2001:db8::/64'))).toBe('address-full');
    });

    it('admits exactly quota.max of many rooms inserted at once from one key', async () => {
      const many = Array.from({ length: 20 }, (_, n) => aRoom(`Room${n}`));

      const insertions = await Promise.all(many.map((room) => rooms.insert(room, 100, from('2001:db8::/64', 5))));

      expect(insertions.filter((insertion) => insertion === 'inserted')).toHaveLength(5);
      expect(insertions.filter((insertion) => insertion === 'address-full')).toHaveLength(15);
      expect(await rooms.list()).toHaveLength(5);
    });
  });

  it('stamps messages with the room seq and remembers their ids', async () => {
    await rooms.insert(aRoom('Lobby'), 10);

    expect(await rooms.acceptMessage('lobby', ID, 1_000)).toEqual({ seq: 1, ts: 1_000, fresh: true });
    expect(await rooms.acceptMessage('lobby', 'BBBBBBBBBBBBBBBBBBBBBB', 1_001)).toEqual({ seq: 2, ts: 1_001, fresh: true });
    expect(await rooms.acceptMessage('lobby', ID, 1_002)).toEqual({ seq: 1, ts: 1_000, fresh: false });
  });

  it('stamps nothing for a room that is gone', async () => {
    await rooms.insert(aRoom('Lobby'), 10);
    await rooms.remove('lobby');

    expect(await rooms.acceptMessage('lobby', ID, 1_000)).toBeUndefined();
  });

  it('restores a room that admits its verifier only, with its creator address', async () => {
    await rooms.insert(aRoom('Lobby'), 10);

    const found = await rooms.get('lobby');
    expect(found?.admits(verifierFor('Kitchen'))).toBe(false);
    expect(found?.creatorAddress).toBe('203.0.113.7');
    expect(found?.isSameAs(aRoom('Lobby'))).toBe(true);
  });

  it('counts seq separately in each room', async () => {
    await rooms.insert(aRoom('Lobby'), 10);
    await rooms.insert(aRoom('Kitchen'), 10);
    await rooms.acceptMessage('lobby', ID, 1_000);

    expect(await rooms.acceptMessage('kitchen', ID, 1_001)).toEqual({ seq: 1, ts: 1_001, fresh: true });
  });

  it('starts a re-created room at seq 1 with no remembered ids', async () => {
    await rooms.insert(aRoom('Lobby', 1), 10);
    await rooms.acceptMessage('lobby', ID, 1_000);
    await rooms.remove('lobby');
    await rooms.insert(aRoom('Lobby', 2), 10);

    expect(await rooms.acceptMessage('lobby', ID, 2_000)).toEqual({ seq: 1, ts: 2_000, fresh: true });
  });

  it('hands out distinct, gap-free seqs to messages accepted at once', async () => {
    await rooms.insert(aRoom('Lobby'), 10);
    const ids = Array.from({ length: 50 }, (_, n) => `message-${String(n).padStart(8, '0')}`);

    const stamps = await Promise.all(ids.map((id) => rooms.acceptMessage('lobby', id, 1_000)));

    expect(stamps.map((stamp) => stamp?.seq).sort((a, b) => a! - b!)).toEqual(ids.map((_, n) => n + 1));
  });

  it('remembers an id for 60 s even after 1,024 later messages', async () => {
    await rooms.insert(aRoom('Lobby'), 10);
    await rooms.acceptMessage('lobby', ID, 1_000);
    for (let n = 0; n < 1_100; n++) await rooms.acceptMessage('lobby', `later-${String(n).padStart(10, '0')}`, 1_000 + n);

    expect(await rooms.acceptMessage('lobby', ID, 60_999)).toEqual({ seq: 1, ts: 1_000, fresh: false });
  });

  it('remembers the ids of the last 1,024 messages after 60 s', async () => {
    await rooms.insert(aRoom('Lobby'), 10);
    await rooms.acceptMessage('lobby', ID, 1_000);
    for (let n = 0; n < 1_023; n++) await rooms.acceptMessage('lobby', `later-${String(n).padStart(10, '0')}`, 1_000);

    expect(await rooms.acceptMessage('lobby', ID, 500_000)).toEqual({ seq: 1, ts: 1_000, fresh: false });
  });

  it('forgets an id older than 60 s and beyond the last 1,024 messages: a retry is a new message', async () => {
    await rooms.insert(aRoom('Lobby'), 10);
    await rooms.acceptMessage('lobby', ID, 1_000);
    for (let n = 0; n < 1_024; n++) await rooms.acceptMessage('lobby', `later-${String(n).padStart(10, '0')}`, 1_000);

    expect(await rooms.acceptMessage('lobby', ID, 61_000)).toEqual({ seq: 1_026, ts: 61_000, fresh: true });
  });
}
