/** Default limits of docs/protocol.md §7; the server reads overrides from the environment. */
export const DEFAULT_LIMITS = {
  maxMessageBytes: 8 * 1024 * 1024,
  maxBufferedBytes: 32 * 1024 * 1024,
  maxMembersPerRoom: 64,
  maxRooms: 10_000,
  rateCreatesPerMin: 10,
  rateJoinsPerMin: 20,
  rateFailedJoinsPerMin: 5,
  rateLookupsPerMin: 120,
  rateConnectsPerMin: 60,
  rateMessagesPerSec: 20,
  rateMessagesBurst: 40,
  disconnectGraceMs: 10_000,
  replayMs: 30_000,
  replayMaxBytes: 32 * 1024 * 1024,
  replayMaxTotalBytes: 256 * 1024 * 1024,
} as const;

/** RATE_FAILED_JOINS_PER_MIN counts wrong passwords over this sliding window; a blocked address waits at most this long. */
export const FAILED_JOIN_WINDOW_MS = 60_000;

/** Socket.IO frames may exceed the box limit by this much before the socket is closed. */
export const TRANSPORT_OVERHEAD_BYTES = 64 * 1024;

/** JSON bodies above this size are refused with 413. */
export const MAX_JSON_BODY_BYTES = 64 * 1024;

/** A sealed box is at least a 12-byte iv and a 16-byte tag. */
export const MIN_BOX_BYTES = 28;

export const MAX_TEXT_CHARS = 10_000;

/** Accepted key-derivation parameters (docs/protocol.md §2). */
export const KDF_LIMITS = {
  memoryKiB: { min: 19_456, max: 262_144 },
  iterations: { min: 2, max: 10 },
  parallelism: 1,
  saltBytes: 16,
} as const;

/** The parameters a room's creator picks by default. */
export const DEFAULT_KDF_PARAMS = { alg: 'argon2id', m: 65_536, t: 3, p: 1 } as const;

/** Message ids: 16 to 64 characters of base64url's alphabet. */
export const MESSAGE_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** A room remembers accepted message ids this long, and at least this many of the latest (docs/protocol.md §5). */
export const ID_MEMORY_MS = 60_000;
export const ID_MEMORY_COUNT = 1_024;
