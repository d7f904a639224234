import type { RelayedMessage } from '@ciphernest/protocol';
import { RecordingRoomSockets } from '../../testing/recording-room-sockets';
import { REDIS_MESSAGE_SCRIPTS, redisMessageRig, type RedisMessageRig } from '../../testing/redis-message-rig';
import { addMember, openRoom } from '../../testing/room-members';
import { useRedisServer } from '../../testing/use-redis-server';
import { DEFAULT_HOLD_LIMITS, type HoldLimits } from '../domain/held-messages';
import { RedisRelayOrder } from './redis-relay-order';

const BOX = Buffer.from([0, 10, 255, 10, 1, 2, 3, 4]);

/**
 * RedisRelayOrder on its own, against a real redis-server: messages are held by a real delivery
 * (the rig's, whose own order sees what Redis publishes), and this order is handed arrivals by
 * hand, gaps and repeats included.
 */
describe('RedisRelayOrder', () => {
  const redis = useRedisServer(REDIS_MESSAGE_SCRIPTS);
  let rig: RedisMessageRig;
  let sockets: RecordingRoomSockets;
  let unfilled: number[];
  let order: RedisRelayOrder;

  afterEach(() => rig.close());

  /** The Lobby with Alice online, `count` messages of hers held; the order under test knows nothing yet. */
  async function lobbyWith(count: number, limits: Partial<HoldLimits> = {}): Promise<RelayedMessage[]> {
    rig = await redisMessageRig(redis, { ...DEFAULT_HOLD_LIMITS, ...limits });
    sockets = new RecordingRoomSockets();
    unfilled = [];
    order = new RedisRelayOrder(rig.commands, sockets, (missing) => unfilled.push(missing));
    await openRoom(rig.rooms, 'Lobby');
    await addMember(rig.sessions, 'Alice', 'lobby', 'alice-socket');
    const sent: RelayedMessage[] = [];
    for (let n = 1; n <= count; n++) sent.push(await sendOne(n));
    return sent;
  }

  async function sendOne(n: number): Promise<RelayedMessage> {
    const id = `message-${String(n).padStart(10, '0')}`;
    const stamp = await rig.delivery.deliver({ sessionId: 'lobby-Alice', roomKey: 'lobby', senderSocketId: 'alice-socket', id, box: BOX }, 1_000 + n);
    return { id, from: 'Alice', ts: stamp!.ts, seq: stamp!.seq, box: BOX };
  }

  const arrive = (message: RelayedMessage): void => order.arrived('lobby', 'alice-socket', message);
  const seqsRelayed = (): number[] => sockets.relayed.map((relay) => relay.message.seq);

  it('hands messages of a room it does not track over as they come', async () => {
    const [, , third] = await lobbyWith(3);

    arrive(third!);

    expect(sockets.relayed).toEqual([{ roomKey: 'lobby', senderSocketId: 'alice-socket', message: third }]);
  });

  it('keeps a room\'s arrivals until its first replay is read, then hands over those above its upTo', async () => {
    const sent = await lobbyWith(3);
    const replayRead = order.replayStarts('lobby');
    arrive(sent[1]!);
    arrive(sent[2]!);
    expect(sockets.relayed).toEqual([]);

    replayRead(2);

    expect(seqsRelayed()).toEqual([3]);
  });

  it('fills a gap from what Redis holds, exactly as relayed, before handing over the arrival after it; later arrivals wait behind the fill', async () => {
    const sent = await lobbyWith(6);
    order.replayStarts('lobby')(1);

    arrive(sent[4]!);
    arrive(sent[5]!);
    await sockets.firstRelays(5);

    expect(sockets.relayed.map((relay) => relay.message)).toEqual(sent.slice(1));
    expect(unfilled).toEqual([]);
  });

  it('answers handedOver(seq) once every seq up to it was handed over, in order, and at once when it was', async () => {
    const sent = await lobbyWith(3);
    order.replayStarts('lobby')(1);
    const settled: number[] = [];
    const third = order.handedOver('lobby', 3)?.then(() => settled.push(3));
    const second = order.handedOver('lobby', 2)?.then(() => settled.push(2));

    arrive(sent[1]!);
    await second;
    expect(settled).toEqual([2]);
    arrive(sent[2]!);
    await third;

    expect(settled).toEqual([2, 3]);
    expect(seqsRelayed()).toEqual([2, 3]);
    expect(order.handedOver('lobby', 3)).toBeUndefined();
    expect(order.handedOver('hall', 9)).toBeUndefined();
  });

  it('drops an arrival it handed over already', async () => {
    const sent = await lobbyWith(3);
    order.replayStarts('lobby')(1);
    arrive(sent[1]!);
    arrive(sent[2]!);

    arrive(sent[1]!);
    arrive(sent[0]!);

    expect(seqsRelayed()).toEqual([2, 3]);
  });

  it('skips the seqs no longer held and reports how many', async () => {
    const sent = await lobbyWith(4, { roomBytes: 1 });
    order.replayStarts('lobby')(1);

    arrive(sent[3]!);
    await sockets.firstRelays(1);

    expect(seqsRelayed()).toEqual([4]);
    expect(unfilled).toEqual([2]);
  });

  it('starts from the lowest upTo of a room\'s first replays, once each was read', async () => {
    const sent = await lobbyWith(4);
    const first = order.replayStarts('lobby');
    const second = order.replayStarts('lobby');
    first(3);
    arrive(sent[3]!);
    expect(sockets.relayed).toEqual([]);

    second(1);
    await sockets.firstRelays(3);

    expect(seqsRelayed()).toEqual([2, 3, 4]);
  });

  it('hands what came over as it came when no first replay could be read', async () => {
    const sent = await lobbyWith(3);
    const replayRead = order.replayStarts('lobby');
    arrive(sent[2]!);

    replayRead(undefined);

    expect(seqsRelayed()).toEqual([3]);
  });

  it('reads every tracked room up to its latest when told to catch up (the subscription is back)', async () => {
    await lobbyWith(3);
    order.replayStarts('lobby')(1);

    order.catchUp();
    await sockets.firstRelays(2);

    expect(seqsRelayed()).toEqual([2, 3]);
  });

  it('starts a room again from a replay whose upTo is below what it had handed over when the read began (the room began again)', async () => {
    await lobbyWith(3);
    order.replayStarts('lobby')(7);

    order.replayStarts('lobby')(1);
    await sockets.firstRelays(2);

    expect(seqsRelayed()).toEqual([2, 3]);
  });

  it('forgets the rooms this process no longer hosts', async () => {
    const sent = await lobbyWith(3);
    order.replayStarts('lobby')(0);
    sockets.hostedRooms = new Set();
    order.forgetUnhosted();
    sockets.hostedRooms = undefined;

    arrive(sent[2]!);

    expect(seqsRelayed()).toEqual([3]);
  });
});
