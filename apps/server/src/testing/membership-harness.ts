import { createHash } from 'node:crypto';
import { checkRoomName, checkUsername, type Kdf } from '@ciphernest/protocol';
import { InMemoryRoomRepository } from '../membership/adapters/in-memory-room.repository';
import { LocalMessageDelivery } from '../membership/adapters/local-message-delivery';
import { CreateRoom } from '../membership/application/create-room.use-case';
import { ListRooms } from '../membership/application/list-rooms.use-case';
import { LookupKdf } from '../membership/application/lookup-kdf.use-case';
import { RelayMessage } from '../membership/application/relay-message.use-case';
import { InMemorySessionRepository } from '../membership/adapters/in-memory-session.repository';
import { AuthenticateSession } from '../membership/application/authenticate-session.use-case';
import { ConnectSession } from '../membership/application/connect-session.use-case';
import { DisconnectSocket } from '../membership/application/disconnect-socket.use-case';
import { EndSession } from '../membership/application/end-session.use-case';
import { ExpireAwaySessions } from '../membership/application/expire-away-sessions.use-case';
import { JoinRoom } from '../membership/application/join-room.use-case';
import { ReleaseOrphanedSessions } from '../membership/application/release-orphaned-sessions.use-case';
import { ResolveSpeaker } from '../membership/application/resolve-speaker.use-case';
import type { IssuedSession } from '../membership/application/issue-session';
import { nameSkeleton } from '../shared/name-skeleton';
import { HmacTokenService } from '../tokens/adapters/hmac-token.service';
import { ManualClock } from './manual-clock';
import { RecordingRoomEvents } from './recording-room-events';
import { RecordingRoomSockets } from './recording-room-sockets';

/** A b64url verifier (32 bytes, 43 characters) that is the same for the same seed. */
export function verifierFor(seed: string): string {
  return createHash('sha256').update(seed).digest('base64url');
}

/** Acceptable kdf parameters with a fixed salt. */
export function aKdf(overrides: Partial<Kdf> = {}): Kdf {
  return { alg: 'argon2id', m: 65_536, t: 3, p: 1, salt: Buffer.alloc(16, 7).toString('base64url'), ...overrides };
}

/** The normalised name, key and skeleton of a room name, as the HTTP layer hands them over. */
export function roomName(raw: string): { name: string; key: string; skeleton: string } {
  const check = checkRoomName(raw);
  if (!check.ok) throw new Error(`not a room name: ${raw}`);
  return { name: check.name, key: check.key, skeleton: nameSkeleton(check.name) };
}

export function username(raw: string): { name: string; key: string; skeleton: string } {
  const check = checkUsername(raw);
  if (!check.ok) throw new Error(`not a username: ${raw}`);
  return { name: check.name, key: check.key, skeleton: nameSkeleton(check.name) };
}

export interface HarnessOptions {
  maxRooms?: number;
  maxMembers?: number;
  maxRoomsPerAddress?: number;
  maxSessionsPerAddress?: number;
  graceMs?: number;
}

export const DEFAULT_ADDRESS = '203.0.113.7';

/**
 * Every membership use case wired the way the Nest modules wire them, over the in-memory
 * adapters (the real LocalMessageDelivery among them), a manual clock, and recording doubles of
 * the ports the real-time adapter implements (RoomEvents, RoomSockets); no sockets.
 */
export class MembershipHarness {
  readonly clock = new ManualClock();
  readonly rooms = new InMemoryRoomRepository();
  readonly sessions = new InMemorySessionRepository();
  readonly tokens = new HmacTokenService();
  readonly events = new RecordingRoomEvents();
  readonly sockets = new RecordingRoomSockets();
  readonly delivery = new LocalMessageDelivery(this.sessions, this.rooms, this.sockets);
  readonly createRoom: CreateRoom;
  readonly joinRoom: JoinRoom;
  readonly authenticate: AuthenticateSession;
  readonly connectSession: ConnectSession;
  readonly disconnectSocket: DisconnectSocket;
  readonly endSession: EndSession;
  readonly expireAwaySessions: ExpireAwaySessions;
  readonly releaseOrphanedSessions: ReleaseOrphanedSessions;
  readonly resolveSpeaker: ResolveSpeaker;
  readonly relayMessage: RelayMessage;
  readonly lookupKdf: LookupKdf;
  readonly listRooms: ListRooms;
  readonly graceMs: number;

  constructor(options: HarnessOptions = {}) {
    const { maxRooms = 10_000, maxMembers = 64, maxRoomsPerAddress = 64, maxSessionsPerAddress = 256, graceMs = 10_000 } = options;
    this.graceMs = graceMs;
    this.createRoom = new CreateRoom(this.rooms, this.sessions, this.tokens, this.clock, { maxRooms, maxRoomsPerAddress, maxSessionsPerAddress });
    this.joinRoom = new JoinRoom(this.rooms, this.sessions, this.tokens, this.clock, { maxMembers, maxSessionsPerAddress });
    this.authenticate = new AuthenticateSession(this.tokens, this.sessions);
    this.connectSession = new ConnectSession(this.rooms, this.sessions, this.events, this.clock);
    this.disconnectSocket = new DisconnectSocket(this.sessions, this.events, this.clock);
    this.endSession = new EndSession(this.rooms, this.sessions, this.events, this.clock);
    this.expireAwaySessions = new ExpireAwaySessions(this.sessions, this.endSession, this.clock, graceMs);
    this.releaseOrphanedSessions = new ReleaseOrphanedSessions(this.sessions, this.events, this.clock);
    this.resolveSpeaker = new ResolveSpeaker(this.sessions);
    this.relayMessage = new RelayMessage(this.delivery, this.clock);
    this.lookupKdf = new LookupKdf(this.rooms);
    this.listRooms = new ListRooms(this.rooms, this.sessions);
  }

  /** Creates a room (password seed = the room name unless given) or fails the test. */
  async create(room: string, creator: string, options: { password?: string; address?: string; kdf?: Kdf } = {}): Promise<IssuedSession> {
    const result = await this.createRoom.execute({
      room: roomName(room),
      username: username(creator),
      verifier: verifierFor(options.password ?? roomName(room).key),
      kdf: options.kdf ?? aKdf(),
      address: options.address ?? DEFAULT_ADDRESS,
      addressKey: options.address ?? DEFAULT_ADDRESS,
    });
    if (!result.ok) throw new Error(`create ${room} failed: ${result.code}`);
    return result.value;
  }

  /** Joins a room with the password it was created with by default, or fails the test. */
  async join(room: string, name: string, options: { password?: string; address?: string } = {}): Promise<IssuedSession> {
    const result = await this.joinRoom.execute({
      roomKey: roomName(room).key,
      username: username(name),
      verifier: verifierFor(options.password ?? roomName(room).key),
      address: options.address ?? DEFAULT_ADDRESS,
      addressKey: options.address ?? DEFAULT_ADDRESS,
    });
    if (!result.ok) throw new Error(`join ${room} as ${name} failed: ${result.code}`);
    return result.value;
  }

  /**
   * How many sessions the store holds, in any room, the ones nobody would look for included.
   * The repositories answer by room only; a stray session is what these checks are for.
   */
  storedSessions(): number {
    return (this.sessions as unknown as { byId: Map<string, unknown> }).byId.size;
  }

  /** Attaches a socket to the session or fails the test. */
  async connect(sessionId: string, socketId: string): Promise<void> {
    const result = await this.connectSession.execute(sessionId, socketId);
    if (!result.ok) throw new Error(`connect ${sessionId} failed: ${result.code}`);
  }
}
