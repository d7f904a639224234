import { MembershipHarness } from '../../testing/membership-harness';

describe('ListRooms', () => {
  it('lists nothing when there are no rooms', async () => {
    const h = new MembershipHarness();

    expect(await h.listRooms.execute()).toEqual({ rooms: [] });
  });

  it('lists each room by name with its member count, sorted by name', async () => {
    const h = new MembershipHarness();
    await h.create('Zebra', 'Alice');
    await h.create('apple', 'Alice');
    await h.create('Mango', 'Alice');
    await h.join('Mango', 'Bob');
    await h.join('Mango', 'Carol');

    expect(await h.listRooms.execute()).toEqual({
      rooms: [
        { name: 'apple', members: 1 },
        { name: 'Mango', members: 3 },
        { name: 'Zebra', members: 1 },
      ],
    });
  });

  it('leaves out a room once its last session ended', async () => {
    const h = new MembershipHarness();
    const gone = await h.create('Gone', 'Alice');
    await h.create('Kept', 'Bob');
    await h.endSession.execute(gone.session.id, 'left');

    expect(await h.listRooms.execute()).toEqual({ rooms: [{ name: 'Kept', members: 1 }] });
  });

  it('counts members after one left', async () => {
    const h = new MembershipHarness();
    await h.create('Lobby', 'Alice');
    const bob = await h.join('Lobby', 'Bob');
    await h.endSession.execute(bob.session.id, 'left');

    expect(await h.listRooms.execute()).toEqual({ rooms: [{ name: 'Lobby', members: 1 }] });
  });
});
