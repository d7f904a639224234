import { aKdf, MembershipHarness } from '../../testing/membership-harness';

describe('LookupKdf', () => {
  it('answers the kdf the creator picked', async () => {
    const h = new MembershipHarness();
    const kdf = aKdf({ m: 19_456, t: 2, salt: 'AAECAwQFBgcICQoLDA0ODw' });
    await h.create('Lobby', 'Alice', { kdf });

    expect(await h.lookupKdf.execute('lobby')).toEqual({ ok: true, value: kdf });
  });

  it('refuses a room that does not exist with ROOM_NOT_FOUND', async () => {
    const h = new MembershipHarness();

    expect(await h.lookupKdf.execute('nowhere')).toEqual({ ok: false, code: 'ROOM_NOT_FOUND' });
  });

  it('refuses a room that has been deleted with ROOM_NOT_FOUND', async () => {
    const h = new MembershipHarness();
    const grant = await h.create('Lobby', 'Alice');
    await h.endSession.execute(grant.session.id, 'left');

    expect(await h.lookupKdf.execute('lobby')).toEqual({ ok: false, code: 'ROOM_NOT_FOUND' });
  });

  it('hands out a copy the caller cannot use to change the room', async () => {
    const h = new MembershipHarness();
    await h.create('Lobby', 'Alice');
    const first = await h.lookupKdf.execute('lobby');
    if (first.ok) first.value.m = 1;

    expect(await h.lookupKdf.execute('lobby')).toEqual({ ok: true, value: aKdf() });
  });
});
