import { messageDeliveryContract } from '../../testing/message-delivery-contract';
import { aKdf, verifierFor } from '../../testing/membership-harness';
import { RecordingRoomSockets } from '../../testing/recording-room-sockets';
import { REDIS_MESSAGE_SCRIPTS, redisMessageRig } from '../../testing/redis-message-rig';
import { addMember } from '../../testing/room-members';
import { useRedisServer } from '../../testing/use-redis-server';
import { nameSkeleton } from '../../shared/name-skeleton';
import { redisKeys } from '../../store/redis/redis-keys';
import { DEFAULT_HOLD_LIMITS } from '../domain/held-messages';
import { Room } from '../domain/room';
import { Session } from '../domain/session';
import { RedisMessageDelivery } from './redis-message-delivery';
import { RedisRelayOrder } from './redis-relay-order';
import { RedisRoomRepository } from './redis-room.repository';
import { RedisSessionRepository } from './redis-session.repository';

const ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const BOX = Buffer.from([0, 10, 255, 10, 1, 2, 3]);

describe('RedisMessageDelivery', () => {
  const redis = useRedisServer(REDIS_MESSAGE_SCRIPTS);

  messageDeliveryContract(() => redisMessageRig(redis));

  /** A room with Alice in it, her session holding `alice-socket`; and a subscriber of the channel. */
  async function lobbyWithAlice() {
    const commands = await redis.fresh();
    const rooms = new RedisRoomRepository(commands);
    const room = Room.open({ key: 'lobby', name: 'Lobby', creator: 'Ålice', creatorAddress: '203.0.113.7', createdAt: 1, kdf: aKdf(), verifier: verifierFor('x') });
    await rooms.insert(room, 10, nameSkeleton(room.name));
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
    const delivery = new RedisMessageDelivery(commands, unused, new RedisRelayOrder(commands, new RecordingRoomSockets()), DEFAULT_HOLD_LIMITS);
    /** Everything published so far, once a marker published after it has come back. */
    const publishedSoFar = async (): Promise<Buffer[]> => {
      const marker = Buffer.from(`marker-${published.length}`);
      await commands.publish(redisKeys.messages, marker);
      while (!published.some((payload) => payload.equals(marker))) await new Promise((resolve) => setTimeout(resolve, 5));
      listener.disconnect();
      unused.disconnect();
      return published.filter((payload) => !payload.equals(marker));
    };
    return { delivery, rooms, sessions, publishedSoFar };
  }

  const from = (socket: string, roomKey = 'lobby') => ({ sessionId: 'alice-session', roomKey, senderSocketId: socket, id: ID, box: BOX });

  it('publishes a fresh message in the same step as its stamp: seq, ts, a RelayHeader line, then the box', async () => {
    const { delivery, publishedSoFar } = await lobbyWithAlice();

    expect(await delivery.deliver(from('alice-socket'), 1_000)).toEqual({ seq: 1, ts: 1_000, fresh: true });
    const [payload, ...rest] = await publishedSoFar();
    expect(rest).toEqual([]);
    const header = '1\n1000\n';
    expect(payload!.subarray(0, header.length).toString()).toBe(header);
    const headerEnd = payload!.indexOf(0x0a, header.length);
    expect(JSON.parse(payload!.toString('utf8', header.length, headerEnd))).toEqual({ roomKey: 'lobby', id: ID, from: 'Ålice', senderSocketId: 'alice-socket' });
    expect(payload!.subarray(headerEnd + 1)).toEqual(BOX);
  });

  it('publishes nothing for a repeated id, nor for a refused speaker', async () => {
    const { delivery, publishedSoFar } = await lobbyWithAlice();
    await delivery.deliver(from('alice-socket'), 1_000);
    await delivery.deliver(from('alice-socket'), 1_500);
    await delivery.deliver(from('old-socket'), 1_600);
    await delivery.deliver(from('alice-socket', 'kitchen'), 1_700);

    expect(await publishedSoFar()).toHaveLength(1);
  });

  it('keeps no key of a removed room\'s messages behind, and takes its held bytes off the deployment\'s', async () => {
    const { delivery, rooms, sessions, publishedSoFar } = await lobbyWithAlice();
    await delivery.deliver(from('alice-socket'), 1_000);
    await publishedSoFar();
    expect(Number(await redis.redis().hget(redisKeys.heldTotals, 'bytes'))).toBeGreaterThan(0);
    await sessions.remove('alice-session');
    await rooms.remove('lobby');

    // The deployment's order keeps the room's entry until it expires (skipped as dropped), and its totals.
    expect((await redis.redis().keys('*')).sort()).toEqual([redisKeys.heldOrder, redisKeys.heldTotals]);
    expect(await redis.redis().hget(redisKeys.heldTotals, 'bytes')).toBe('0');
  });

  it('fills what a dropped subscription missed once it is back, in order, each message once', async () => {
    const rig = await redisMessageRig(redis);
    const room = Room.open({ key: 'lobby', name: 'Lobby', creator: 'Ålice', creatorAddress: '203.0.113.7', createdAt: 1, kdf: aKdf(), verifier: verifierFor('x') });
    await rig.rooms.insert(room, 10, nameSkeleton(room.name));
    await addMember(rig.sessions, 'Ålice', 'lobby', 'alice-socket');
    rig.order.replayStarts('lobby')(0);
    const send = (n: number) => rig.delivery.deliver({ sessionId: 'lobby-Ålice', roomKey: 'lobby', senderSocketId: 'alice-socket', id: `message-${String(n).padStart(10, '0')}`, box: BOX }, 1_000 + n);
    await send(1);
    await rig.sockets.firstRelays(1);

    // Redis closes the subscriber; what is published before ioredis has reconnected reaches nobody.
    await redis.redis().client('KILL', 'TYPE', 'pubsub');
    for (let n = 2; n <= 6; n++) await send(n);
    await rig.sockets.firstRelays(6);
    await send(7);
    const relayed = await rig.sockets.firstRelays(7);
    rig.close();

    expect(relayed.map(({ message }) => message.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(rig.sockets.relayed).toHaveLength(7);
    expect(rig.unfilled).toEqual([]);
  });

  it('hands what it receives to this process\'s sockets of the room, but the sender, with exactly the relayed fields', async () => {
    const { commands, subscriber, sockets } = await redisMessageRig(redis);

    const header = JSON.stringify({ roomKey: 'lobby', id: ID, from: 'Bob', senderSocketId: 'bob-socket' });
    await commands.publish(redisKeys.messages, Buffer.concat([Buffer.from(`7\n1234\n${header}\n`), BOX]));
    const relayed = await sockets.firstRelays(1);
    subscriber.disconnect();

    expect(relayed).toEqual([{ roomKey: 'lobby', senderSocketId: 'bob-socket', message: { id: ID, from: 'Bob', ts: 1234, seq: 7, box: BOX } }]);
  });

  it('drops a payload it cannot read (no header lines, or a header of another version), telling onUnreadable, and goes on', async () => {
    const commands = await redis.fresh();
    const subscriber = redis.server().client();
    const sockets = new RecordingRoomSockets();
    const unreadable: unknown[] = [];
    const delivery = new RedisMessageDelivery(commands, subscriber, new RedisRelayOrder(commands, sockets), DEFAULT_HOLD_LIMITS, (error) => unreadable.push(error));
    await delivery.listen();

    await commands.publish(redisKeys.messages, Buffer.from('no header lines'));
    await commands.publish(redisKeys.messages, Buffer.concat([Buffer.from(`1\n1\n{"r":"lobby","i":"${ID}","f":"Bob","s":"bob-socket"}\n`), BOX]));
    const header = JSON.stringify({ roomKey: 'lobby', id: ID, from: 'Bob', senderSocketId: 'bob-socket' });
    await commands.publish(redisKeys.messages, Buffer.concat([Buffer.from(`1\n1\n${header}\n`), BOX]));
    await sockets.firstRelays(1);
    subscriber.disconnect();

    expect(unreadable).toHaveLength(2);
  });
});
