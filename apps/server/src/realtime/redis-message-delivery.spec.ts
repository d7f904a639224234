import type { Namespace } from 'socket.io';
import { RedisRoomRepository } from '../rooms/adapters/redis-room.repository';
import { Room } from '../rooms/domain/room';
import { RedisSessionRepository } from '../sessions/adapters/redis-session.repository';
import { Session } from '../sessions/domain/session';
import { nameSkeleton } from '../shared/name-skeleton';
import { redisKeys } from '../store/redis/redis-keys';
import { aKdf, verifierFor } from '../testing/membership-harness';
import { useRedisServer } from '../testing/use-redis-server';
import { RedisMessageDelivery } from './redis-message-delivery';

const ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const BOX = Buffer.from([0, 10, 255, 10, 1, 2, 3]);

describe('RedisMessageDelivery', () => {
  const redis = useRedisServer([...RedisRoomRepository.scripts, ...RedisSessionRepository.scripts, ...RedisMessageDelivery.scripts]);

  /** A room with Alice in it, her session holding `alice-socket`; and a subscriber of the channel. */
  async function lobbyWithAlice() {
    const commands = await redis.fresh();
    const room = Room.open({ key: 'lobby', name: 'Lobby', creator: 'Ålice', creatorAddress: '203.0.113.7', createdAt: 1, kdf: aKdf(), verifier: verifierFor('x') });
    await new RedisRoomRepository(commands).insert(room, 10, nameSkeleton(room.name));
    const sessions = new RedisSessionRepository(commands, 'node-a');
    const alice = Session.start({ id: 'alice-session', roomKey: 'lobby', name: 'Ålice', userKey: 'ålice', address: '203.0.113.7', creator: true, createdAt: 1, vault: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8' });
    await sessions.insert(alice, 10, nameSkeleton(alice.name));
    alice.attach('alice-socket');
    await sessions.save(alice);
    const published: Buffer[] = [];
    const listener = redis.server().client();
    listener.on('messageBuffer', (_channel: Buffer, payload: Buffer) => published.push(payload));
    await listener.subscribe(redisKeys.messages);
    const unused = redis.server().client();
    const delivery = new RedisMessageDelivery(commands, unused);
    /** Everything published so far, once a marker published after it has come back. */
    const publishedSoFar = async (): Promise<Buffer[]> => {
      const marker = Buffer.from(`marker-${published.length}`);
      await commands.publish(redisKeys.messages, marker);
      while (!published.some((payload) => payload.equals(marker))) await new Promise((resolve) => setTimeout(resolve, 5));
      listener.disconnect();
      unused.disconnect();
      return published.filter((payload) => !payload.equals(marker));
    };
    return { delivery, publishedSoFar };
  }

  const from = (socket: string, roomKey = 'lobby') => ({ sessionId: 'alice-session', roomKey, senderSocketId: socket, id: ID, box: BOX });

  it('stamps a message for the session holding the socket and publishes it in the same step', async () => {
    const { delivery, publishedSoFar } = await lobbyWithAlice();

    expect(await delivery.deliver(from('alice-socket'), 1_000)).toEqual({ seq: 1, ts: 1_000, fresh: true, roomKey: 'lobby', from: 'Ålice' });
    const [payload, ...rest] = await publishedSoFar();
    expect(rest).toEqual([]);
    const header = '1\n1000\n';
    expect(payload!.subarray(0, header.length).toString()).toBe(header);
    const metaEnd = payload!.indexOf(0x0a, header.length);
    expect(JSON.parse(payload!.toString('utf8', header.length, metaEnd))).toEqual({ r: 'lobby', i: ID, f: 'Ålice', s: 'alice-socket' });
    expect(payload!.subarray(metaEnd + 1)).toEqual(BOX);
  });

  it('answers a repeated id with its first stamp and publishes nothing more', async () => {
    const { delivery, publishedSoFar } = await lobbyWithAlice();
    await delivery.deliver(from('alice-socket'), 1_000);

    expect(await delivery.deliver(from('alice-socket'), 1_500)).toEqual({ seq: 1, ts: 1_000, fresh: false, roomKey: 'lobby', from: 'Ålice' });
    expect(await publishedSoFar()).toHaveLength(1);
  });

  it('stamps nothing for a socket the session no longer holds, nor for another room', async () => {
    const { delivery, publishedSoFar } = await lobbyWithAlice();

    expect(await delivery.deliver(from('old-socket'), 1_000)).toBeUndefined();
    expect(await delivery.deliver(from('alice-socket', 'kitchen'), 1_000)).toBeUndefined();
    expect((await delivery.deliver(from('alice-socket'), 1_001))?.seq).toBe(1);
    expect(await publishedSoFar()).toHaveLength(1);
  });

  it('emits what it receives to its own sockets of the room, but the sender, with exactly the relayed fields', async () => {
    const commands = await redis.fresh();
    const subscriber = redis.server().client();
    const emitted: unknown[] = [];
    const namespace = {
      local: {
        to: (room: string) => ({
          except: (socket: string) => ({ emit: (event: string, message: unknown) => emitted.push({ room, socket, event, message }) }),
        }),
      },
    };
    const delivery = new RedisMessageDelivery(commands, subscriber);
    delivery.bind(namespace as unknown as Namespace);
    await delivery.listen();

    await commands.publish(redisKeys.messages, Buffer.concat([Buffer.from('7\n1234\n{"r":"lobby","i":"' + ID + '","f":"Bob","s":"bob-socket"}\n'), BOX]));
    while (emitted.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    subscriber.disconnect();

    expect(emitted).toEqual([
      { room: 'room:lobby', socket: 'bob-socket', event: 'message', message: { id: ID, from: 'Bob', ts: 1234, seq: 7, box: BOX } },
    ]);
  });
});
