import type { RelayedMessage } from '@ciphernest/protocol';
import type { MessageDelivery } from '../membership/application/ports/message-delivery';
import type { MessageReplay, Replay } from '../membership/application/ports/message-replay';
import type { RoomRepository } from '../membership/application/ports/room.repository';
import type { SessionRepository } from '../membership/application/ports/session.repository';
import { DEFAULT_HOLD_LIMITS, HELD_OVERHEAD_BYTES, type HoldLimits } from '../membership/domain/held-messages';
import type { Session } from '../membership/domain/session';
import { addMember, openRoom } from './room-members';

/** A replay and a delivery over repositories of the same store, holding within `limits`. */
export interface ReplayRig {
  replay: MessageReplay;
  delivery: MessageDelivery;
  rooms: RoomRepository;
  sessions: SessionRepository;
  /** Releases what the rig holds (a subscriber connection), after each case. */
  close?: () => void;
}

/** Opaque bytes, newlines and all, as ciphertext may hold them. */
const BOX = Buffer.from([0, 10, 255, 10, 1, 2, 3, 0x0a, 0x0d, ...Array.from({ length: 91 }, (_, n) => n)]);
/** What one message of BOX counts toward the limits. */
const HELD = BOX.byteLength + HELD_OVERHEAD_BYTES;

/**
 * The MessageReplay contract (the port's TSDoc, docs/protocol.md §5.1): what a delivery holds,
 * within REPLAY_MS and the byte limits, and what a resume is sent of it: held messages above
 * max(resume, sinceSeq) that another session sent, in seq order, exactly as relayed, and `missed`
 * for those no longer held. Every adapter's spec runs it, the Redis one against a real redis-server.
 */
export function messageReplayContract(makeRig: (limits: HoldLimits) => Promise<ReplayRig>): void {
  let rig: ReplayRig | undefined;
  let sent = 0;

  afterEach(() => {
    rig?.close?.();
    rig = undefined;
  });

  /** A rig holding within `limits`, with the Lobby open and Ålice and Bob in it, online. */
  async function lobby(limits: Partial<HoldLimits> = {}): Promise<{ rig: ReplayRig; alice: Session; bob: Session }> {
    rig = await makeRig({ ...DEFAULT_HOLD_LIMITS, ...limits });
    await openRoom(rig.rooms, 'Lobby');
    return { rig, alice: await join('Ålice', 'lobby'), bob: await join('Bob', 'lobby') };
  }

  /** A member of the room, online with the socket `<session id>-socket`. */
  function join(name: string, roomKey: string): Promise<Session> {
    return addMember(rig!.sessions, name, roomKey, `${roomKey}-${name}-socket`);
  }

  /** Sends a fresh message as `session` at `now`; resolves with it as relayed. */
  async function send(session: Session, now: number): Promise<RelayedMessage> {
    const id = `message-${String((sent += 1)).padStart(10, '0')}`;
    const stamp = await rig!.delivery.deliver({ sessionId: session.id, roomKey: session.roomKey, senderSocketId: `${session.id}-socket`, id, box: BOX }, now);
    expect(stamp?.fresh).toBe(true);
    return { id, from: session.name, ts: stamp!.ts, seq: stamp!.seq, box: BOX };
  }

  function resume(session: Session, resumeAt: number | undefined, now: number): Promise<Replay | undefined> {
    return Promise.resolve(rig!.replay.replay({ sessionId: session.id, roomKey: session.roomKey, sinceSeq: session.sinceSeq, resume: resumeAt }, now));
  }

  it('replays the held messages above `resume` that another session sent, in seq order, exactly as relayed', async () => {
    const { alice, bob } = await lobby();
    await send(alice, 1_000);
    const second = await send(alice, 1_001);
    await send(bob, 1_002);
    const fourth = await send(alice, 1_003);

    expect(await resume(bob, 1, 1_100)).toEqual({ messages: [second, fourth], upTo: 4 });
  });

  it('replays nothing without a `resume`, and tells the latest seq', async () => {
    const { alice, bob } = await lobby();
    await send(alice, 1_000);

    expect(await resume(bob, undefined, 1_100)).toEqual({ messages: [], upTo: 1 });
    expect(await rig!.replay.latestSeq('lobby')).toBe(1);
  });

  it('never replays what was relayed before the session began, whatever `resume` says', async () => {
    const { alice } = await lobby();
    await send(alice, 1_000);
    await send(alice, 1_001);
    const carol = await join('Carol', 'lobby');
    const third = await send(alice, 1_002);

    expect(carol.sinceSeq).toBe(2);
    expect(await resume(carol, 0, 1_100)).toEqual({ messages: [third], upTo: 3 });
  });

  it('counts a `resume` above the latest seq as the latest', async () => {
    const { alice, bob } = await lobby();
    await send(alice, 1_000);

    expect(await resume(bob, 2 ** 53 - 1, 1_100)).toEqual({ messages: [], upTo: 1 });
  });

  it('answers undefined for a room that is gone', async () => {
    const { bob } = await lobby();
    await rig!.rooms.remove('lobby');

    expect(await resume(bob, 0, 1_000)).toBeUndefined();
    expect(await rig!.replay.latestSeq('lobby')).toBeUndefined();
  });

  it('holds a message for REPLAY_MS after its ts: older ones are missed', async () => {
    const { alice, bob } = await lobby({ holdMs: 1_000 });
    const first = await send(alice, 1_000);
    const second = await send(alice, 1_500);

    expect(await resume(bob, 0, 1_999)).toEqual({ messages: [first, second], upTo: 2 });
    expect(await resume(bob, 0, 2_000)).toEqual({ missed: { from: 1, to: 1 }, messages: [second], upTo: 2 });
    expect(await resume(bob, 0, 2_500)).toEqual({ missed: { from: 1, to: 2 }, messages: [], upTo: 2 });
  });

  it('drops what expired when told to forget (run periodically, for idle rooms too)', async () => {
    const { alice, bob } = await lobby({ holdMs: 1_000 });
    await send(alice, 1_000);

    await rig!.replay.forgetExpired(2_000);

    expect(await resume(bob, 0, 1_001)).toEqual({ missed: { from: 1, to: 1 }, messages: [], upTo: 1 });
  });

  it('at REPLAY_MAX_BYTES drops the room\'s oldest messages first', async () => {
    const { alice, bob } = await lobby({ roomBytes: 2 * HELD });
    await send(alice, 1_000);
    const second = await send(alice, 1_001);
    const third = await send(alice, 1_002);

    expect(await resume(bob, 0, 1_100)).toEqual({ missed: { from: 1, to: 1 }, messages: [second, third], upTo: 3 });
  });

  it('keeps a room\'s newest message even when it alone is over REPLAY_MAX_BYTES', async () => {
    const { alice, bob } = await lobby({ roomBytes: 1 });
    await send(alice, 1_000);
    const second = await send(alice, 1_001);

    expect(await resume(bob, 0, 1_100)).toEqual({ missed: { from: 1, to: 1 }, messages: [second], upTo: 2 });
  });

  it('at REPLAY_MAX_TOTAL_BYTES drops the oldest message held, whatever its room', async () => {
    const { alice, bob } = await lobby({ totalBytes: 2 * HELD });
    await openRoom(rig!.rooms, 'Kitchen');
    const carol = await join('Carol', 'kitchen');
    const dave = await join('Dave', 'kitchen');
    await send(alice, 1_000);
    const inKitchen = await send(carol, 1_001);
    const second = await send(alice, 1_002);

    expect(await resume(bob, 0, 1_100)).toEqual({ missed: { from: 1, to: 1 }, messages: [second], upTo: 2 });
    expect(await resume(dave, 0, 1_100)).toEqual({ messages: [inKitchen], upTo: 1 });
  });

  it('leaves the session\'s own messages out of `missed` at its edges, never from its middle', async () => {
    const { alice, bob } = await lobby({ holdMs: 1_000 });
    await send(bob, 1_000);
    await send(alice, 1_001);
    await send(bob, 1_002);
    await send(alice, 1_003);
    await send(bob, 1_004);

    expect(await resume(bob, 0, 5_000)).toEqual({ missed: { from: 2, to: 4 }, messages: [], upTo: 5 });
  });

  it('sends no `missed` when every message no longer held was the session\'s own', async () => {
    const { alice, bob } = await lobby({ roomBytes: 1 });
    await send(bob, 1_000);
    await send(bob, 1_001);
    const third = await send(alice, 1_002);

    expect(await resume(bob, 0, 1_100)).toEqual({ messages: [third], upTo: 3 });
  });

  it('holds nothing with REPLAY_MS 0: every seq a resume should have had is missed', async () => {
    const { alice, bob } = await lobby({ holdMs: 0 });
    await send(alice, 1_000);
    await send(alice, 1_000);

    expect(await resume(bob, 0, 1_000)).toEqual({ missed: { from: 1, to: 2 }, messages: [], upTo: 2 });
  });

  it('drops what it held for a room with the room: a room begun again under its name holds none of it, and the bytes count no more', async () => {
    const { alice } = await lobby({ totalBytes: 2 * HELD });
    await send(alice, 1_000);
    await send(alice, 1_001);
    await rig!.rooms.remove('lobby');
    await openRoom(rig!.rooms, 'Kitchen');
    const carol = await join('Carol', 'kitchen');
    const dave = await join('Dave', 'kitchen');
    const inKitchen = [await send(carol, 1_002), await send(carol, 1_003)];
    await openRoom(rig!.rooms, 'Lobby', 2);
    const erin = await join('Erin', 'lobby');

    expect(await resume(dave, 0, 1_100)).toEqual({ messages: inKitchen, upTo: 2 });
    expect(await resume(erin, 0, 1_100)).toEqual({ messages: [], upTo: 0 });
  });
}
