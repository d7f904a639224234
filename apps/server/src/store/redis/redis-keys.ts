/**
 * Where CipherNest keeps its state in Redis. Everything starts with `cn:`, so one Redis
 * database can be told apart from other users' keys (use a database of its own all the same).
 */
export const KEY_PREFIX = 'cn:';

export const redisKeys = {
  /** Set of the keys of every room. */
  rooms: `${KEY_PREFIX}rooms`,
  /** Hash: the skeleton of each room's name (shared/name-skeleton.ts) -> its room key. */
  roomSkeletons: `${KEY_PREFIX}rooms:skeletons`,
  /**
   * Hash: holder (the creator's address key), name, creator, creatorAddress, createdAt, kdf
   * (JSON), verifierHash, seq, skeleton, and heldBytes (what its held messages count toward the
   * limits, docs/protocol.md §5.1).
   */
  room: (roomKey: string) => `${KEY_PREFIX}room:${roomKey}`,
  /** Hash: message id -> "seq:ts" of the ids the room remembers (docs/protocol.md §5). */
  roomIds: (roomKey: string) => `${KEY_PREFIX}room:${roomKey}:ids`,
  /**
   * List: "seq:ts:id:sender", oldest first, to forget ids in order; `sender` is the session that
   * sent it, so a resume never counts one's own messages as missed (docs/protocol.md §5.1).
   */
  roomIdOrder: (roomKey: string) => `${KEY_PREFIX}room:${roomKey}:order`,
  /**
   * Hash: seq -> a held message exactly as it was published on `messages` (docs/protocol.md
   * §5.1), for a resume or a process that missed it on Pub/Sub. Gone with the room.
   */
  roomHeld: (roomKey: string) => `${KEY_PREFIX}room:${roomKey}:held`,
  /**
   * List: "serial:seq:ts:bytes:sender" for each message in `roomHeld`, oldest first: what it
   * counts toward the limits and the session that sent it. The held seqs are the room's newest,
   * none missing (every drop takes the room's oldest).
   */
  roomHeldOrder: (roomKey: string) => `${KEY_PREFIX}room:${roomKey}:held-order`,
  /**
   * List: "serial:ts:roomKey" for each message held in the deployment, oldest first, to drop the
   * deployment's oldest at REPLAY_MAX_TOTAL_BYTES and the expired ones. An entry whose serial is
   * no longer at the head of its room's `roomHeldOrder` was dropped already and is skipped.
   */
  heldOrder: `${KEY_PREFIX}held-order`,
  /** Hash: `bytes` held in the deployment (the sum of the rooms' heldBytes) and the last `serial` given out. */
  heldTotals: `${KEY_PREFIX}held-totals`,
  /** Hash: username skeleton (shared/name-skeleton.ts; one per username key) -> session id. */
  roomMembers: (roomKey: string) => `${KEY_PREFIX}room:${roomKey}:members`,
  /** Hash: a session's fields (see RedisSessionRepository). */
  session: (sessionId: string) => `${KEY_PREFIX}session:${sessionId}`,
  /** Set of every session id. */
  sessions: `${KEY_PREFIX}sessions`,
  /** Sorted set: away session id, scored by the time it went away. */
  away: `${KEY_PREFIX}away`,
  /** Set of the ids of server processes that registered. */
  nodes: `${KEY_PREFIX}nodes`,
  /** A process's heartbeat: exists while it lives (it expires unless refreshed). */
  node: (nodeId: string) => `${KEY_PREFIX}node:${nodeId}`,
  /** Set of the sessions whose socket a process holds. */
  nodeSessions: (nodeId: string) => `${KEY_PREFIX}node:${nodeId}:sessions`,
  /** The cluster's epoch: new whenever the first process starts with no other alive. */
  epoch: `${KEY_PREFIX}epoch`,
  /**
   * Set of the keys of the rooms created from an address key (shared/client-address.ts
   * addressKey); with '' the prefix that the scripts complete with a key read from a room.
   */
  addressRooms: (addressKey: string) => `${KEY_PREFIX}address-rooms:${addressKey}`,
  /** Set of the ids of the live sessions issued to an address key; with '' the scripts' prefix. */
  addressSessions: (addressKey: string) => `${KEY_PREFIX}address-sessions:${addressKey}`,
  /** The key of LOG_IP=hashed (32 random bytes, base64url): made at a cold start with the epoch, read by every process. */
  logKey: `${KEY_PREFIX}log-key`,
  /** Sorted set of attempt times (failed joins). */
  attempts: (key: string) => `${KEY_PREFIX}attempts:${key}`,
  /**
   * Prefix of @nestjs/throttler's counters (its Redis storage names them `{<prefix>...}:hits`
   * and `{<prefix>...}:blocked`).
   */
  rateLimits: `${KEY_PREFIX}rate:`,
  /** Pub/Sub channel of relayed messages (published by the stamping script). */
  messages: `${KEY_PREFIX}messages`,
  /** Prefix of Socket.IO's Redis adapter channels. */
  socketIo: `${KEY_PREFIX}sio`,
} as const;
