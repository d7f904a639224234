import type { Clock } from '../../shared/clock';
import type { MessageReplay, Replay, ResumeRequest } from './ports/message-replay';
import type { RoomSockets } from './ports/room-sockets';

/**
 * A socket's resume (docs/protocol.md §5.1), in two steps around its joining the room: `holdBack`
 * before, so no live message overtakes the replay; `execute` after its `presence`: the replay
 * (missed, then held messages) and then the live stream, with nothing twice. A socket without `resume` goes through it too: it gets no replay, and
 * no live message from before it joined.
 */
export class ResumeSocket {
  constructor(
    private readonly replays: MessageReplay,
    private readonly sockets: RoomSockets,
    private readonly clock: Clock,
  ) {}

  holdBack(roomKey: string, socketId: string): void {
    this.sockets.holdBack(roomKey, socketId);
  }

  /**
   * Sends the replay; undefined when the room is gone (what was kept back is dropped). An
   * in-memory replay is read and sent before this returns, with no await in between.
   */
  async execute(request: ResumeRequest, socketId: string): Promise<Replay | undefined> {
    let read: Replay | undefined;
    try {
      const pending = this.replays.replay(request, this.clock.now());
      read = pending instanceof Promise ? await pending : pending;
    } catch (error) {
      this.sockets.resume(request.roomKey, socketId, undefined);
      throw error;
    }
    this.sockets.resume(request.roomKey, socketId, read);
    return read;
  }
}
