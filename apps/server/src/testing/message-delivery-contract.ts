import type { MessageDelivery, OutgoingMessage } from '../membership/application/ports/message-delivery';
import type { RoomRepository } from '../membership/application/ports/room.repository';
import type { SessionRepository } from '../membership/application/ports/session.repository';
import type { Session } from '../membership/domain/session';
import type { RecordingRoomSockets } from './recording-room-sockets';
import { addMember, openRoom as insertRoom } from './room-members';

/** A delivery over repositories of the same store, handing over to a recording RoomSockets. */
export interface DeliveryRig {
  delivery: MessageDelivery;
  rooms: RoomRepository;
  sessions: SessionRepository;
  sockets: RecordingRoomSockets;
  /** Releases what the rig holds (a subscriber connection), after each case. */
  close?: () => void;
}

const ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const ID_B = 'BBBBBBBBBBBBBBBBBBBBBB';
const ID_C = 'CCCCCCCCCCCCCCCCCCCCCC';
/** Opaque bytes, newlines and all, as ciphertext may hold them. */
const BOX = Buffer.from([0, 10, 255, 10, 1, 2, 3, 0x0a, 0x0d]);

/**
 * The MessageDelivery contract (the port's TSDoc): the speaker rule (Session.speaksIn), the stamp
 * of docs/protocol.md §5 and the hand-over to the room's sockets, as one step. Every adapter's spec
 * runs it, the Redis one against a real redis-server.
 */
export function messageDeliveryContract(makeRig: () => Promise<DeliveryRig>): void {
  let rig: DeliveryRig;

  beforeEach(async () => {
    rig = await makeRig();
  });

  afterEach(() => rig.close?.());

  const openRoom = (name: string, createdAt = 1): Promise<void> => insertRoom(rig.rooms, name, createdAt);

  /** A member of the room whose session holds `socketId` (none: never connected). */
  const member = (name: string, roomKey: string, socketId?: string): Promise<Session> => addMember(rig.sessions, name, roomKey, socketId);

  async function lobbyWithAlice(): Promise<Session> {
    await openRoom('Lobby');
    return member('Ålice', 'lobby', 'alice-socket');
  }

  const from = (session: Session, senderSocketId: string, id = ID, roomKey = session.roomKey): OutgoingMessage => ({ sessionId: session.id, roomKey, senderSocketId, id, box: BOX });

  it('stamps a message of the session holding the socket with the room\'s first seq and hands it to the room, but the sender', async () => {
    const alice = await lobbyWithAlice();

    expect(await rig.delivery.deliver(from(alice, 'alice-socket'), 1_000)).toEqual({ seq: 1, ts: 1_000, fresh: true });
    expect(await rig.sockets.firstRelays(1)).toEqual([
      { roomKey: 'lobby', senderSocketId: 'alice-socket', message: { id: ID, from: 'Ålice', ts: 1_000, seq: 1, box: BOX } },
    ]);
  });

  it('counts seq up across senders in one room and hands messages over in seq order', async () => {
    const alice = await lobbyWithAlice();
    const bob = await member('Bob', 'lobby', 'bob-socket');
    await rig.delivery.deliver(from(alice, 'alice-socket'), 1_000);

    expect(await rig.delivery.deliver(from(bob, 'bob-socket', ID_B), 1_007)).toEqual({ seq: 2, ts: 1_007, fresh: true });
    expect((await rig.sockets.firstRelays(2)).map(({ senderSocketId, message }) => [message.seq, message.from, senderSocketId])).toEqual([
      [1, 'Ålice', 'alice-socket'],
      [2, 'Bob', 'bob-socket'],
    ]);
  });

  it('answers a repeated id with its first stamp and hands nothing more over', async () => {
    const alice = await lobbyWithAlice();
    const bob = await member('Bob', 'lobby', 'bob-socket');
    await rig.delivery.deliver(from(alice, 'alice-socket'), 1_000);

    expect(await rig.delivery.deliver(from(alice, 'alice-socket'), 1_500)).toEqual({ seq: 1, ts: 1_000, fresh: false });
    expect(await rig.delivery.deliver(from(bob, 'bob-socket'), 1_600)).toEqual({ seq: 1, ts: 1_000, fresh: false });
    expect(await rig.delivery.deliver(from(alice, 'alice-socket', ID_B), 1_700)).toEqual({ seq: 2, ts: 1_700, fresh: true });
    expect((await rig.sockets.firstRelays(2)).map(({ message }) => message.id)).toEqual([ID, ID_B]);
  });

  describe('the speaker rule: nothing is stamped or handed over unless the session is in the room and holds the socket', () => {
    /** After a refusal, the next good message must get seq 1 and be the first one handed over. */
    async function expectNothingStamped(alice: Session): Promise<void> {
      expect(await rig.delivery.deliver(from(alice, 'alice-socket', ID_C), 2_000)).toEqual({ seq: 1, ts: 2_000, fresh: true });
      expect((await rig.sockets.firstRelays(1)).map(({ message }) => message.id)).toEqual([ID_C]);
    }

    it('refuses a socket the session no longer holds', async () => {
      const alice = await lobbyWithAlice();

      expect(await rig.delivery.deliver(from(alice, 'old-socket'), 1_000)).toBeUndefined();
      await expectNothingStamped(alice);
    });

    it('refuses the socket that a newer one replaced, and accepts the newer one', async () => {
      const alice = await lobbyWithAlice();
      alice.attach('alice-new-socket');
      await rig.sessions.save(alice);

      expect(await rig.delivery.deliver(from(alice, 'alice-socket'), 1_000)).toBeUndefined();
      expect(await rig.delivery.deliver(from(alice, 'alice-new-socket', ID_C), 2_000)).toEqual({ seq: 1, ts: 2_000, fresh: true });
    });

    it('refuses a session that is away', async () => {
      const alice = await lobbyWithAlice();
      alice.detach('alice-socket', 900);
      await rig.sessions.save(alice);

      expect(await rig.delivery.deliver(from(alice, 'alice-socket'), 1_000)).toBeUndefined();
      alice.attach('alice-socket');
      await rig.sessions.save(alice);
      await expectNothingStamped(alice);
    });

    it('refuses a session that never connected', async () => {
      await openRoom('Lobby');
      const bob = await member('Bob', 'lobby');

      expect(await rig.delivery.deliver(from(bob, 'bob-socket'), 1_000)).toBeUndefined();
    });

    it('refuses a session speaking for a room that is not its own', async () => {
      const alice = await lobbyWithAlice();
      await openRoom('Kitchen');
      await member('Carol', 'kitchen', 'carol-socket');

      expect(await rig.delivery.deliver(from(alice, 'alice-socket', ID, 'kitchen'), 1_000)).toBeUndefined();
      const carol = (await rig.sessions.get('kitchen-Carol'))!;
      expect(await rig.delivery.deliver(from(carol, 'carol-socket', ID_C), 2_000)).toEqual({ seq: 1, ts: 2_000, fresh: true });
    });

    it('refuses a session that has ended', async () => {
      const alice = await lobbyWithAlice();
      await rig.sessions.remove(alice.id);

      expect(await rig.delivery.deliver(from(alice, 'alice-socket'), 1_000)).toBeUndefined();
    });
  });

  it('stamps nothing for a room that is gone', async () => {
    const alice = await lobbyWithAlice();
    await rig.rooms.remove('lobby');

    expect(await rig.delivery.deliver(from(alice, 'alice-socket'), 1_000)).toBeUndefined();
  });

  it('counts seq separately in each room, and keys ids by room', async () => {
    const alice = await lobbyWithAlice();
    await openRoom('Kitchen');
    const carol = await member('Carol', 'kitchen', 'carol-socket');
    await rig.delivery.deliver(from(alice, 'alice-socket'), 1_000);

    expect(await rig.delivery.deliver(from(carol, 'carol-socket'), 1_001)).toEqual({ seq: 1, ts: 1_001, fresh: true });
    expect((await rig.sockets.firstRelays(2)).map(({ roomKey, message }) => [roomKey, message.seq])).toEqual([
      ['lobby', 1],
      ['kitchen', 1],
    ]);
  });

  it('starts a re-created room at seq 1 with no remembered ids', async () => {
    const alice = await lobbyWithAlice();
    await rig.delivery.deliver(from(alice, 'alice-socket'), 1_000);
    await rig.rooms.remove('lobby');
    await openRoom('Lobby', 2);

    expect(await rig.delivery.deliver(from(alice, 'alice-socket'), 2_000)).toEqual({ seq: 1, ts: 2_000, fresh: true });
  });

  it('hands out distinct, gap-free seqs to messages delivered at once, and hands them over in seq order', async () => {
    const alice = await lobbyWithAlice();
    const ids = Array.from({ length: 50 }, (_, n) => `message-${String(n).padStart(8, '0')}`);

    const stamps = await Promise.all(ids.map((id) => rig.delivery.deliver(from(alice, 'alice-socket', id), 1_000)));

    expect(stamps.map((stamp) => stamp?.seq).sort((a, b) => a! - b!)).toEqual(ids.map((_, n) => n + 1));
    expect((await rig.sockets.firstRelays(50)).map(({ message }) => message.seq)).toEqual(ids.map((_, n) => n + 1));
  });

  describe('the ids a room remembers (docs/protocol.md §5)', () => {
    const later = (n: number) => `later-${String(n).padStart(10, '0')}`;

    it('remembers an id for 60 s even after 1,024 later messages', async () => {
      const alice = await lobbyWithAlice();
      await rig.delivery.deliver(from(alice, 'alice-socket'), 1_000);
      for (let n = 0; n < 1_100; n++) await rig.delivery.deliver(from(alice, 'alice-socket', later(n)), 1_000 + n);

      expect(await rig.delivery.deliver(from(alice, 'alice-socket'), 60_999)).toEqual({ seq: 1, ts: 1_000, fresh: false });
    });

    it('remembers the ids of the last 1,024 messages after 60 s', async () => {
      const alice = await lobbyWithAlice();
      await rig.delivery.deliver(from(alice, 'alice-socket'), 1_000);
      for (let n = 0; n < 1_023; n++) await rig.delivery.deliver(from(alice, 'alice-socket', later(n)), 1_000);

      expect(await rig.delivery.deliver(from(alice, 'alice-socket'), 500_000)).toEqual({ seq: 1, ts: 1_000, fresh: false });
    });

    it('forgets an id older than 60 s and beyond the last 1,024 messages: a retry is a new message', async () => {
      const alice = await lobbyWithAlice();
      await rig.delivery.deliver(from(alice, 'alice-socket'), 1_000);
      for (let n = 0; n < 1_024; n++) await rig.delivery.deliver(from(alice, 'alice-socket', later(n)), 1_000);

      expect(await rig.delivery.deliver(from(alice, 'alice-socket'), 61_000)).toEqual({ seq: 1_026, ts: 61_000, fresh: true });
      expect((await rig.sockets.firstRelays(1_026)).at(-1)?.message).toEqual({ id: ID, from: 'Ålice', ts: 61_000, seq: 1_026, box: BOX });
    });
  });
}
