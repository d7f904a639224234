import { Injectable } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import { ServerEvent } from '@ciphernest/protocol';
import { AppConfig } from '../config/app-config';
import { ConnectSession } from '../membership/application/connect-session.use-case';
import { DisconnectSocket } from '../membership/application/disconnect-socket.use-case';
import { ResumeSocket } from '../membership/application/resume-socket.use-case';
import type { ChatSocket } from './chat-socket';
import { socketRooms } from './socket-rooms';
import { SocketReport } from './socket-report';

const ATTACHED: Promise<boolean> = Promise.resolve(true);

/**
 * A socket's hold on its session: attached once the handshake admitted it (ConnectSession, which
 * tells the others `joined` or `back`; a replaced socket hears `session:end` and is closed; the
 * socket joins its Socket.IO rooms, gets its `presence`, then its resume: ResumeSocket), detached when it goes away
 * (DisconnectSocket: the session turns away and its grace starts).
 */
@Injectable()
export class SocketAttachment {
  /** Sessions being turned away as their sockets close; a stopping process waits for them. */
  private readonly detaching = new Set<Promise<void>>();

  constructor(
    private readonly config: AppConfig,
    private readonly connectSession: ConnectSession,
    private readonly disconnectSocket: DisconnectSocket,
    private readonly resumeSocket: ResumeSocket,
    private readonly report: SocketReport,
  ) {}

  /** Resolves to whether the session now holds the socket (false: it ended meanwhile, and the socket is closed). */
  async attach(socket: ChatSocket): Promise<boolean> {
    const { sessionId } = socket.data;
    const connected = await this.connectSession.execute(sessionId, socket.id);
    if (!connected.ok) {
      socket.data.attached = false;
      socket.disconnect(true);
      return false;
    }
    const { room, members, vault, arrival, sinceSeq } = connected.value;
    const { roomKey, resume } = socket.data;
    socket.data.room = room.name;
    if (arrival.kind === 'replaced') {
      const previous = socket.nsp.in(arrival.previousSocketId);
      previous.emit(ServerEvent.SessionEnd, { reason: 'replaced' });
      previous.disconnectSockets();
    }
    const resuming = this.resumeSocket.begin({ sessionId, roomKey, sinceSeq, resume }, socket.id);
    socket.join([socket.data.socketRoom, socketRooms.ofSession(sessionId)]);
    socket.emit(ServerEvent.Presence, { room, members, vault });
    const replay = await this.resumeSocket.execute(resuming);
    this.report.connected(socket.data, arrival, replay);
    // Set just before `ready` resolves: handlers already waiting on it run before any later event.
    socket.data.attached = true;
    // Whoever awaits this call's promise gets true; later readers get one shared promise, so an
    // attached socket keeps no promise of its own for its life.
    socket.data.ready = ATTACHED;
    return true;
  }

  /** The socket closed: once it was attached, its session turns away (unless a newer socket holds it). */
  detach(socket: ChatSocket, reason: string): void {
    const detaching = this.turnAway(socket, reason).catch((error: unknown) => this.report.detachFailed(error));
    this.detaching.add(detaching);
    void detaching.finally(() => this.detaching.delete(detaching));
  }

  /**
   * Before the process stops. Alone (in-memory store), every room ends with it: every socket
   * hears `shutdown` and is closed (docs/protocol.md §5). With a shared store the rooms live on in
   * the other processes: this process's sockets are closed without `session:end`, their
   * sessions turn away (the others hear `away`), and clients reconnect to another process
   * within the grace and come `back`. Resolves once every session is turned away.
   */
  async shutdown(namespace: Namespace | undefined): Promise<void> {
    const local = namespace?.local;
    if (!local) return;
    if (this.config.store === 'memory') local.emit(ServerEvent.SessionEnd, { reason: 'shutdown' });
    local.disconnectSockets(true);
    await Promise.allSettled([...this.detaching]);
  }

  private async turnAway(socket: ChatSocket, reason: string): Promise<void> {
    if (!(await socket.data.ready)) return;
    this.report.disconnected(socket.data, reason);
    await this.disconnectSocket.execute(socket.data.sessionId, socket.id);
  }
}
