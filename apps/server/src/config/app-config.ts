import { DEFAULT_LIMITS } from '@ciphernest/protocol';
import { trustPolicy, type TrustPolicy } from '../shared/client-address';

/** LOG_FORMAT: CipherNest's JSON lines, the same made readable, or the Elastic Common Schema. */
export type LogFormat = 'json' | 'pretty' | 'ecs';
export type LogIpMode = 'full' | 'hashed' | 'off';
export type StoreKind = 'memory' | 'redis';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Limits {
  maxMessageBytes: number;
  maxBufferedBytes: number;
  maxMembersPerRoom: number;
  maxRooms: number;
  rateCreatesPerMin: number;
  rateJoinsPerMin: number;
  rateFailedJoinsPerMin: number;
  rateLookupsPerMin: number;
  rateConnectsPerMin: number;
  rateMessagesPerSec: number;
  rateMessagesBurst: number;
  disconnectGraceMs: number;
  /** (docs/protocol.md §5.1) How long relayed messages are held for resuming; 0 turns holding off. */
  replayMs: number;
  /** Bytes of held messages per room (at least maxMessageBytes). */
  replayMaxBytes: number;
  /** Bytes of held messages per server process, or per deployment with Redis (at least replayMaxBytes). */
  replayMaxTotalBytes: number;
}

/**
 * What one client address may hold at once, and how IPv6 addresses are grouped: an IPv6 client
 * usually owns a whole /64 and can use a new address for every request, so every per-address
 * limit keys on the address's first `ipv6PrefixLength` bits (IPv4 addresses count alone).
 */
export interface AddressLimits {
  ipv6PrefixLength: number;
  /** Rooms whose creator came from the address (or prefix) that still exist. */
  maxRoomsPerAddress: number;
  /** Sessions (online or away) issued to the address (or prefix) that have not ended. */
  maxSessionsPerAddress: number;
  /** Open Engine.IO connections from the address (or prefix), joined to /chat or not. */
  maxConnectionsPerAddress: number;
}

export const DEFAULT_ADDRESS_LIMITS: Readonly<AddressLimits> = {
  ipv6PrefixLength: 64,
  maxRoomsPerAddress: 64,
  maxSessionsPerAddress: 256,
  maxConnectionsPerAddress: 320,
};

/** The server's settings, read from the environment and validated once at start. */
export class AppConfig {
  constructor(
    readonly port: number,
    readonly host: string,
    /** Compiled from TRUST_PROXY: `off`, `loopback`, a comma-separated address/CIDR list, or a hop count. */
    readonly trustProxy: TrustPolicy,
    readonly tls: { cert: string; key: string } | undefined,
    readonly logLevel: LogLevel,
    readonly logFormat: LogFormat,
    readonly logIp: LogIpMode,
    readonly store: StoreKind,
    readonly redisUrl: string | undefined,
    readonly tokenSecret: string | undefined,
    readonly roomDirectory: boolean,
    /** Replaces the same-origin default when set. */
    readonly allowedOrigins: readonly string[] | undefined,
    readonly metricsToken: string | undefined,
    readonly limits: Readonly<Limits>,
    readonly perAddress: Readonly<AddressLimits> = DEFAULT_ADDRESS_LIMITS,
    /**
     * PUBLIC_ORIGIN: the origin people reach this server by (e.g. https://chat.example.com).
     * When set, or when ALLOWED_ORIGINS is, requests whose Host names another host are refused
     * (DNS rebinding); unset, only localhost names and literal addresses are served.
     */
    readonly publicOrigin: string | undefined = undefined,
    /**
     * SHUTDOWN_DRAIN_MS: after SIGTERM, how long the server keeps serving while /readyz already
     * says `stopping`, so a load balancer takes it out of rotation before its sockets close.
     */
    readonly shutdownDrainMs = 0,
  ) {}
}

/** The longest drain after SIGTERM (SHUTDOWN_DRAIN_MS): orchestrators wait 30 s by default. */
export const MAX_SHUTDOWN_DRAIN_MS = 60_000;

/** A setting that cannot be used; the message names the variable. */
export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

const LIMIT_VARIABLES: Record<keyof Limits, { name: string; min: number }> = {
  maxMessageBytes: { name: 'MAX_MESSAGE_BYTES', min: 1 },
  maxBufferedBytes: { name: 'MAX_BUFFERED_BYTES', min: 1 },
  maxMembersPerRoom: { name: 'MAX_MEMBERS_PER_ROOM', min: 1 },
  maxRooms: { name: 'MAX_ROOMS', min: 1 },
  rateCreatesPerMin: { name: 'RATE_CREATES_PER_MIN', min: 0 },
  rateJoinsPerMin: { name: 'RATE_JOINS_PER_MIN', min: 0 },
  rateFailedJoinsPerMin: { name: 'RATE_FAILED_JOINS_PER_MIN', min: 0 },
  rateLookupsPerMin: { name: 'RATE_LOOKUPS_PER_MIN', min: 0 },
  rateConnectsPerMin: { name: 'RATE_CONNECTS_PER_MIN', min: 0 },
  rateMessagesPerSec: { name: 'RATE_MESSAGES_PER_SEC', min: 0 },
  rateMessagesBurst: { name: 'RATE_MESSAGES_BURST', min: 0 },
  disconnectGraceMs: { name: 'DISCONNECT_GRACE_MS', min: 1 },
  replayMs: { name: 'REPLAY_MS', min: 0 },
  replayMaxBytes: { name: 'REPLAY_MAX_BYTES', min: 1 },
  replayMaxTotalBytes: { name: 'REPLAY_MAX_TOTAL_BYTES', min: 1 },
};

/** The limits whose value 0 turns them off (the server warns at start). */
export const RATE_LIMIT_KEYS = Object.keys(LIMIT_VARIABLES).filter((key) => key.startsWith('rate')) as (keyof Limits)[];

function present(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = present(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return Number(raw);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = present(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
  }
  return raw as T;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  return oneOf(env, name, ['true', 'false', '1', '0'] as const, fallback ? 'true' : 'false').match(/^(true|1)$/) !== null;
}

function bareOrigin(name: string, origin: string): string {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    throw new ConfigError(`${name} must be origins such as https://chat.example.com (got "${origin}")`);
  }
  const bare = parsed.pathname === '/' && !parsed.search && !parsed.hash && !parsed.username && !parsed.password;
  if (!['http:', 'https:'].includes(parsed.protocol) || !bare) {
    throw new ConfigError(`${name} entries must be bare http(s) origins without a path (got "${origin}")`);
  }
  return parsed.origin;
}

function origins(env: Env): string[] | undefined {
  const raw = present(env, 'ALLOWED_ORIGINS');
  if (raw === undefined) return undefined;
  return raw.split(',').map((entry) => bareOrigin('ALLOWED_ORIGINS', entry.trim()));
}

function publicOrigin(env: Env): string | undefined {
  const raw = present(env, 'PUBLIC_ORIGIN');
  return raw === undefined ? undefined : bareOrigin('PUBLIC_ORIGIN', raw);
}

function addressLimits(env: Env): AddressLimits {
  const fallback = DEFAULT_ADDRESS_LIMITS;
  return {
    ipv6PrefixLength: integer(env, 'IPV6_PREFIX_LENGTH', fallback.ipv6PrefixLength, 1, 128),
    maxRoomsPerAddress: integer(env, 'MAX_ROOMS_PER_ADDRESS', fallback.maxRoomsPerAddress, 1),
    maxSessionsPerAddress: integer(env, 'MAX_SESSIONS_PER_ADDRESS', fallback.maxSessionsPerAddress, 1),
    maxConnectionsPerAddress: integer(env, 'MAX_CONNECTIONS_PER_ADDRESS', fallback.maxConnectionsPerAddress, 1),
  };
}

function tls(env: Env): AppConfig['tls'] {
  const cert = present(env, 'TLS_CERT');
  const key = present(env, 'TLS_KEY');
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined) throw new ConfigError('TLS_CERT and TLS_KEY must be set together');
  return { cert, key };
}

/** Reads and validates every setting; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): AppConfig {
  const limits = Object.fromEntries(
    Object.entries(LIMIT_VARIABLES).map(([key, { name, min }]) => [
      key,
      integer(env, name, DEFAULT_LIMITS[key as keyof Limits], min),
    ]),
  ) as unknown as Limits;
  if (limits.replayMaxBytes < limits.maxMessageBytes) {
    throw new ConfigError(`REPLAY_MAX_BYTES must be at least MAX_MESSAGE_BYTES (${limits.maxMessageBytes}), got ${limits.replayMaxBytes}`);
  }
  if (limits.replayMaxTotalBytes < limits.replayMaxBytes) {
    throw new ConfigError(`REPLAY_MAX_TOTAL_BYTES must be at least REPLAY_MAX_BYTES (${limits.replayMaxBytes}), got ${limits.replayMaxTotalBytes}`);
  }
  const store = oneOf(env, 'STORE', ['memory', 'redis'] as const, 'memory');
  const redisUrl = present(env, 'REDIS_URL');
  const tokenSecret = present(env, 'TOKEN_SECRET');
  if (store === 'redis' && (redisUrl === undefined || tokenSecret === undefined)) {
    throw new ConfigError('STORE=redis needs REDIS_URL and TOKEN_SECRET');
  }
  if (tokenSecret !== undefined && tokenSecret.length < 32) {
    throw new ConfigError('TOKEN_SECRET must be at least 32 characters');
  }
  const trustSpec = present(env, 'TRUST_PROXY') ?? 'off';
  let trustProxy: TrustPolicy;
  try {
    trustProxy = trustPolicy(trustSpec);
  } catch {
    throw new ConfigError(`TRUST_PROXY must be off, loopback, a hop count, or comma-separated addresses/CIDRs (got "${trustSpec}")`);
  }
  return new AppConfig(
    integer(env, 'PORT', 3000, 0, 65_535),
    present(env, 'HOST') ?? '0.0.0.0',
    trustProxy,
    tls(env),
    oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    oneOf(env, 'LOG_FORMAT', ['json', 'pretty', 'ecs'] as const, process.stdout.isTTY ? 'pretty' : 'json'),
    oneOf(env, 'LOG_IP', ['full', 'hashed', 'off'] as const, 'full'),
    store,
    redisUrl,
    tokenSecret,
    boolean(env, 'ROOM_DIRECTORY', false),
    origins(env),
    present(env, 'METRICS_TOKEN'),
    limits,
    addressLimits(env),
    publicOrigin(env),
    integer(env, 'SHUTDOWN_DRAIN_MS', 0, 0, MAX_SHUTDOWN_DRAIN_MS),
  );
}
