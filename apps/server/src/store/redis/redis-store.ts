import { EventEmitter } from 'node:events';
import { createHmac, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { ConfigError } from '../../config/app-config';
import { KEY_PREFIX, redisKeys } from './redis-keys';
import { RedisScript } from './redis-script';

/** A process that stops refreshing its heartbeat for this long counts as dead. */
export const NODE_TTL_MS = 5_000;
const HEARTBEAT_MS = 1_000;
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Registers a process. When no registered process is alive (a cold start of the whole
 * deployment) everything CipherNest held is forgotten and a new epoch begins, so a full
 * restart forgets every room and session and voids every token (docs/protocol.md §4, §6), as a
 * single process does; a process joining live ones keeps their state, epoch and log key.
 * The log key (LOG_IP=hashed) is random, not derived from TOKEN_SECRET: once a cold start has
 * deleted it, nothing can reverse the hashes of an earlier run.
 */
const REGISTER = new RedisScript(`
local nodes, epoch, self, logKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local id, ttl, fresh, prefix, freshLogKey = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local alive = false
for _, other in ipairs(redis.call('SMEMBERS', nodes)) do
  if redis.call('EXISTS', prefix .. 'node:' .. other) == 1 then alive = true break end
end
if not alive or redis.call('EXISTS', epoch) == 0 then
  for _, pattern in ipairs({ prefix .. '*', '{' .. prefix .. '*' }) do
    local keys = redis.call('KEYS', pattern)
    for i = 1, #keys, 1000 do redis.call('DEL', unpack(keys, i, math.min(i + 999, #keys))) end
  end
  redis.call('SET', epoch, fresh)
end
redis.call('SET', logKey, freshLogKey, 'NX')
redis.call('SET', self, '1', 'PX', ttl)
redis.call('SADD', nodes, id)
return { redis.call('GET', epoch), redis.call('GET', logKey) }
`);

/** Refreshes a live process's heartbeat; 0 when it had lapsed (others may have released its sessions). */
const HEARTBEAT = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`);

/** Shows a Redis URL without its password, for messages and logs. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'an unparsable REDIS_URL';
  }
}

export interface RedisStoreOptions {
  /** Scripts to load at start (see RedisScript). */
  scripts?: readonly RedisScript[];
}

/**
 * This process's place in a deployment of several that share state through Redis
 * (STORE=redis): two connections (commands and publishes on one, so they reach Redis in the
 * order they were sent; subscriptions on the other), a random node id, and a heartbeat by
 * which the others notice when it dies. Emits `lapsed` when its heartbeat had expired: the
 * others may have released its sessions, so the process should stop.
 * Security: Redis holds verifier hashes, kdf salts, names and addresses, and messages
 * (ciphertext) for REPLAY_MS, never tokens; run it with persistence off (nothing on disk) and
 * reachable by the servers only.
 */
export class RedisStore extends EventEmitter<{ lapsed: [] }> {
  readonly nodeId = randomBytes(9).toString('base64url');
  private heartbeat: NodeJS.Timeout | undefined;
  private epoch = '';
  private logKey = Buffer.alloc(0);
  private closed = false;
  private lapsed = false;
  /** When the heartbeat last reached Redis. */
  private lastBeat = Date.now();
  /** Connection errors once started (ioredis reconnects by itself); see `reportErrors`. */
  private onError: (error: Error) => void = () => undefined;

  private constructor(
    readonly commands: Redis,
    readonly subscriber: Redis,
    private readonly scripts: readonly RedisScript[],
  ) {
    super();
  }

  /**
   * Connects, registers this process and starts its heartbeat. A Redis that cannot be reached
   * or used is a ConfigError naming REDIS_URL (without its password) and the first error seen.
   */
  static async connect(url: string, options: RedisStoreOptions = {}): Promise<RedisStore> {
    let started = false;
    let firstError: Error | undefined;
    const clientOptions = {
      lazyConnect: true,
      connectTimeout: CONNECT_TIMEOUT_MS,
      maxRetriesPerRequest: 3,
      // At start a Redis that cannot be reached is an error to report; once running, reconnect.
      retryStrategy: (attempt: number) => (started ? Math.min(attempt * 200, 2_000) : null),
    };
    const commands = new Redis(url, clientOptions);
    const subscriber = new Redis(url, clientOptions);
    const store = new RedisStore(commands, subscriber, [REGISTER, HEARTBEAT, ...(options.scripts ?? [])]);
    for (const client of [commands, subscriber]) {
      client.on('error', (error: Error) => (started ? store.onError(error) : (firstError ??= error)));
    }
    try {
      await Promise.all([commands.connect(), subscriber.connect()]);
      await store.register();
    } catch (error) {
      commands.disconnect();
      subscriber.disconnect();
      const reason = (firstError ?? (error as Error)).message;
      throw new ConfigError(`cannot use Redis at ${redactRedisUrl(url)} (${reason}); check REDIS_URL`);
    }
    started = true;
    store.heartbeat = setInterval(() => void store.beat(), HEARTBEAT_MS);
    store.heartbeat.unref();
    return store;
  }

  /**
   * Whether this process can use Redis now: both connections are up (ioredis is not
   * reconnecting) and its heartbeat has not lapsed. /readyz reads it at every probe.
   */
  get reachable(): boolean {
    return !this.closed && !this.lapsed && this.commands.status === 'ready' && this.subscriber.status === 'ready';
  }

  /** Where connection errors go once started (the log). */
  reportErrors(handler: (error: Error) => void): void {
    this.onError = handler;
  }

  /** A token secret shared by every process of this epoch: a cold start voids every earlier token. */
  tokenSecret(configured: string): Buffer {
    return createHmac('sha256', configured).update(`ciphernest/v1/token/${this.epoch}`).digest();
  }

  /**
   * The key of LOG_IP=hashed: 32 random bytes made at the deployment's cold start and shared by
   * its processes, so an address hashes alike in every process's log until every process has
   * stopped. Never log it.
   */
  logAddressKey(): Buffer {
    return Buffer.from(this.logKey);
  }

  /** Nest calls this once the HTTP and Socket.IO servers are closed. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /** Stops the heartbeat and leaves: the others release whatever sessions this process still held. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    try {
      await this.commands.del(redisKeys.node(this.nodeId));
    } finally {
      await Promise.allSettled([this.commands.quit(), this.subscriber.quit()]);
    }
  }

  private async register(): Promise<void> {
    await Promise.all(this.scripts.map((script) => script.load(this.commands)));
    const fresh = randomBytes(16).toString('base64url');
    const freshLogKey = randomBytes(32).toString('base64url');
    const keys = [redisKeys.nodes, redisKeys.epoch, redisKeys.node(this.nodeId), redisKeys.logKey];
    const [epoch, logKey] = (await REGISTER.run(this.commands, keys, [this.nodeId, NODE_TTL_MS, fresh, KEY_PREFIX, freshLogKey])) as [string, string];
    this.epoch = String(epoch);
    this.logKey = Buffer.from(String(logKey), 'base64url');
  }

  /**
   * Lapsed: the heartbeat key was gone (this process was paused, or Redis lost its data), or
   * Redis could not be reached for as long as the key lives, so the others count this process
   * dead and release its sessions either way.
   */
  private async beat(): Promise<void> {
    try {
      const alive = await HEARTBEAT.run(this.commands, [redisKeys.node(this.nodeId)], [NODE_TTL_MS]);
      if (alive === 0) return this.lapse();
      this.lastBeat = Date.now();
    } catch (error) {
      this.onError(error as Error);
      if (Date.now() - this.lastBeat >= NODE_TTL_MS) this.lapse();
    }
  }

  private lapse(): void {
    this.lapsed = true;
    clearInterval(this.heartbeat);
    this.emit('lapsed');
  }
}
