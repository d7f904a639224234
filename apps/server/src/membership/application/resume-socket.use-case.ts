import type { Clock } from '../../shared/clock';
import type { Awaitable } from '../../shared/awaitable';
import type { MessageReplay, Replay, ResumeRequest } from './ports/message-replay';
import type { RoomSockets } from './ports/room-sockets';

/** A resume under way: the socket's live messages are kept back and its replay is being read. */
export interface BegunResume {
  roomKey: string;
  socketId: string;
  read: Awaitable<Replay | undefined>;
}

/**
 * A socket's resume (docs/protocol.md §5.1), in two steps around its joining the room and its
 * `presence`: `begin` before, so no live message overtakes the replay and the replay ends where
 * the room stood as `presence` went out; `execute` after: the replay (missed, then held
 * messages) and then the live stream, with nothing twice. A socket without `resume` goes through
 * it too: it gets no replay, and no live message from before it joined.
 */
export class ResumeSocket {
  constructor(
    private readonly replays: MessageReplay,
    private readonly sockets: RoomSockets,
    private readonly clock: Clock,
  ) {}

  /**
   * Keeps the room's live messages back from the socket and starts reading its replay, both
   * before its `presence`: with Redis the read is a round trip, and one that started after
   * `presence` could end after a message the others sent on seeing it, which a socket without
   * `resume` would then get neither replayed nor live.
   */
  begin(request: ResumeRequest, socketId: string): BegunResume {
    this.sockets.holdBack(request.roomKey, socketId);
    let read: Awaitable<Replay | undefined>;
    try {
      read = this.replays.replay(request, this.clock.now());
    } catch (error) {
      read = Promise.reject(error);
    }
    return { roomKey: request.roomKey, socketId, read };
  }

  /**
   * Sends the replay; undefined when the room is gone (what was kept back is dropped). An
   * in-memory replay was read in `begin` and is sent before this returns, with no await.
   */
  async execute({ roomKey, socketId, read }: BegunResume): Promise<Replay | undefined> {
    let replay: Replay | undefined;
    try {
      replay = read instanceof Promise ? await read : read;
    } catch (error) {
      this.sockets.resume(roomKey, socketId, undefined);
      throw error;
    }
    this.sockets.resume(roomKey, socketId, replay);
    return replay;
  }
}
