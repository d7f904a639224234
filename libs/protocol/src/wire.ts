import type { ErrorBody, ErrorCode } from './errors';

/** Key-derivation parameters a room's creator picks (docs/protocol.md §2). `salt` is b64url of 16 bytes. */
export interface Kdf {
  alg: 'argon2id';
  m: number;
  t: number;
  p: number;
  salt: string;
}

export interface RoomInfo {
  name: string;
  creator: string;
  /** ISO-8601 */
  createdAt: string;
  kdf: Kdf;
}

export type MemberStatus = 'online' | 'away';

export interface Member {
  name: string;
  status: MemberStatus;
  creator: boolean;
}

// ---- HTTP (docs/protocol.md §4) ----

export const API_PREFIX = '/api';

export interface CreateRoomRequest {
  room: string;
  username: string;
  verifier: string;
  kdf: Kdf;
}

export interface JoinRoomRequest {
  username: string;
  verifier: string;
}

/**
 * (1.1) A session's vault: 32 random bytes from the server, b64url (43 characters, canonical).
 * Only that session gets it (in its grant and in every `presence`); the server keeps it in
 * memory and forgets it when the session ends. Clients seal what they keep on disk under a key
 * derived from it, so nothing left on a disk opens once the session is over.
 */
export const VAULT_PATTERN = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

/** The answer to a create or a join. */
export interface SessionGrant {
  token: string;
  /** This session's vault (see {@link VAULT_PATTERN}): a secret; never log it. */
  vault: string;
  room: RoomInfo;
  members: Member[];
}

export interface KdfResponse {
  kdf: Kdf;
}

/**
 * `GET /api/rooms/:room/exists` (an addition to the contract's routes, docs/protocol.md §4):
 * whether the kdf look-up would find the room, always answered 200, so that a form checking
 * names as they are typed leaves no failed request in the browser's console.
 */
export interface RoomExistsResponse {
  exists: boolean;
}

export interface RoomDirectory {
  rooms: { name: string; members: number }[];
}

/**
 * Not part of the wire protocol: the server serving the web app marks its `<app-root>` with
 * this attribute, `on` or `off` (ROOM_DIRECTORY), so the app asks for a directory only where
 * there is one (a 404 would show in the browser's console). Absent: the app asks.
 */
export const ROOM_DIRECTORY_ATTRIBUTE = 'data-room-directory';

/** `GET /livez` (and `/healthz`, its alias), and `GET /readyz` while the server takes traffic. */
export interface HealthResponse {
  status: 'ok';
}

/**
 * Why `GET /readyz` answers 503: the server has not finished starting, it is stopping (after
 * SIGTERM, before its sockets close), or its shared store (Redis) cannot be reached.
 */
export type UnreadyReason = 'starting' | 'stopping' | 'store-unreachable';

/** `GET /readyz` when the server should get no traffic (503). */
export interface UnreadyResponse {
  status: 'unready';
  reason: UnreadyReason;
}

/** Percent-encoded paths of the HTTP API. */
export const apiPaths = {
  rooms: () => `${API_PREFIX}/rooms`,
  kdf: (room: string) => `${API_PREFIX}/rooms/${encodeURIComponent(room)}/kdf`,
  exists: (room: string) => `${API_PREFIX}/rooms/${encodeURIComponent(room)}/exists`,
  sessions: (room: string) => `${API_PREFIX}/rooms/${encodeURIComponent(room)}/sessions`,
  session: () => `${API_PREFIX}/session`,
  health: () => '/healthz',
} as const;

// ---- Real-time channel (docs/protocol.md §5) ----

export const SOCKET_PATH = '/socket.io';
export const CHAT_NAMESPACE = '/chat';

export interface HandshakeAuth {
  token: string;
  /**
   * (1.1, §5.1) The highest `seq` this session has seen (messages received and its own
   * acknowledged ones): the server sends every held message after it. `0` on a session's first
   * connection; left out by a client that kept nothing (it gets no replay). An integer from 0 to
   * 2^53-1; anything else is refused with VALIDATION_FAILED.
   */
  resume?: number;
}

/** (1.1) A span of a room's `seq`, both ends included: 1 <= from <= to. */
export interface SeqRange {
  from: number;
  to: number;
}

/** `connect_error.data` of a refused connection. */
export interface ConnectErrorData {
  code: ErrorCode;
}

export interface MessageSend {
  id: string;
  /** Sealed box: iv || ciphertext || tag. A Buffer on the server, an ArrayBuffer/Uint8Array in browsers. */
  box: Uint8Array | ArrayBuffer;
}

export type MessageAck = { ok: true; seq: number; ts: number } | { ok: false; error: Pick<ErrorBody, 'code' | 'message'> };

export interface LeaveAck {
  ok: true;
}

export interface TypingSend {
  active: boolean;
}

/**
 * (1.1, §5.2) A delivery receipt: the highest `seq` received and decrypted, at most once a
 * second and only when it grows; `missed` once, after a `missed` event (1 <= from <= to <= seq).
 */
export interface ReceiptSend {
  seq: number;
  missed?: SeqRange;
}

export interface PresenceEvent {
  room: RoomInfo;
  members: Member[];
  /** (1.1) This session's vault, the same as in its grant: a secret; never log it. */
  vault: string;
}

export type MemberEventType = 'joined' | 'left' | 'away' | 'back';
export type LeftReason = 'left' | 'timeout';

export interface MemberEvent {
  type: MemberEventType;
  name: string;
  reason?: LeftReason;
  /** ms since the epoch */
  at: number;
}

export interface RelayedMessage {
  id: string;
  from: string;
  ts: number;
  seq: number;
  box: Uint8Array | ArrayBuffer;
}

export interface TypingEvent {
  name: string;
  active: boolean;
}

/** (1.1, §5.2) Another member's receipt, relayed: `name` has received everything up to `seq` (except `missed`). */
export interface ReceiptEvent {
  name: string;
  seq: number;
  missed?: SeqRange;
}

/** (1.1, §5.1) During a resume: messages the socket should have had that are no longer held. */
export type MissedEvent = SeqRange;

export type SessionEndReason = 'left' | 'replaced' | 'shutdown';

export interface SessionEndEvent {
  reason: SessionEndReason;
}

export const ClientEvent = {
  Message: 'message',
  Leave: 'leave',
  Typing: 'typing',
  /** (1.1) */
  Received: 'received',
} as const;

export const ServerEvent = {
  Presence: 'presence',
  Member: 'member',
  Message: 'message',
  Typing: 'typing',
  /** (1.1) */
  Received: 'received',
  /** (1.1) */
  Missed: 'missed',
  SessionEnd: 'session:end',
} as const;

/** Socket.IO typing of the events a client sends. */
export interface ClientToServerEvents {
  message: (payload: MessageSend, ack: (answer: MessageAck) => void) => void;
  leave: (ack: (answer: LeaveAck) => void) => void;
  typing: (payload: TypingSend) => void;
  received: (payload: ReceiptSend) => void;
}

/** Socket.IO typing of the events the server sends. */
export interface ServerToClientEvents {
  presence: (payload: PresenceEvent) => void;
  member: (payload: MemberEvent) => void;
  message: (payload: RelayedMessage) => void;
  typing: (payload: TypingEvent) => void;
  received: (payload: ReceiptEvent) => void;
  missed: (payload: MissedEvent) => void;
  'session:end': (payload: SessionEndEvent) => void;
}
