import { messageDeliveryContract } from '../../testing/message-delivery-contract';
import { RecordingRoomSockets } from '../../testing/recording-room-sockets';
import { Room } from '../domain/room';
import { Session } from '../domain/session';
import { aKdf, verifierFor } from '../../testing/membership-harness';
import { InMemoryRoomRepository } from './in-memory-room.repository';
import { InMemorySessionRepository } from './in-memory-session.repository';
import { LocalMessageDelivery } from './local-message-delivery';

describe('LocalMessageDelivery', () => {
  messageDeliveryContract(async () => {
    const rooms = new InMemoryRoomRepository();
    const sessions = new InMemorySessionRepository();
    const sockets = new RecordingRoomSockets();
    return { delivery: new LocalMessageDelivery(sessions, rooms, sockets), rooms, sessions, sockets };
  });

  it('answers at once, having handed the message over already: no promise on the hot path', async () => {
    const rooms = new InMemoryRoomRepository();
    const sessions = new InMemorySessionRepository();
    const sockets = new RecordingRoomSockets();
    await rooms.insert(Room.open({ key: 'lobby', name: 'Lobby', creator: 'Alice', creatorAddress: '203.0.113.7', createdAt: 1, kdf: aKdf(), verifier: verifierFor('x') }), 10, 'lobby');
    const alice = Session.start({ id: 'alice', roomKey: 'lobby', name: 'Alice', userKey: 'alice', address: '203.0.113.7', creator: true, createdAt: 1, vault: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8' });
    await sessions.insert(alice, 10, 'alice');
    alice.attach('alice-socket');

    const stamp = new LocalMessageDelivery(sessions, rooms, sockets).deliver({ sessionId: 'alice', roomKey: 'lobby', senderSocketId: 'alice-socket', id: 'AAAAAAAAAAAAAAAAAAAAAA', box: Buffer.alloc(40) }, 1_000);

    expect(stamp).toEqual({ seq: 1, ts: 1_000, fresh: true });
    expect(sockets.relayed).toHaveLength(1);
  });
});
