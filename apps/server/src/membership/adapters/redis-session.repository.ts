import type { Redis } from 'ioredis';
import { Session, type SessionSnapshot } from '../domain/session';
import { SessionRepository, type OutstayedCondition, type SessionInsertion } from '../application/ports/session.repository';
import type { AddressQuota } from '../domain/address-quota';
import { KEY_PREFIX, redisKeys } from '../../store/redis/redis-keys';
import { RedisScript } from '../../store/redis/redis-script';

/** Unlimited members (a creator's session); the script takes -1 for it. */
const UNLIMITED = -1;

/**
 * `members` maps each username skeleton of the room to its session id. ARGV[5..7]: the address
 * key ('' for none), how many sessions it may hold and the prefix of its set of sessions. The
 * room's latest seq (KEYS[5]'s `seq`) becomes the session's `sinceSeq` in the same step.
 * Returns { outcome, sinceSeq } (sinceSeq only when inserted).
 */
const INSERT = new RedisScript(`
local members, session, sessions, away, room = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local skeleton, max, id, awayFrom = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
local holder, maxHeld = ARGV[5], tonumber(ARGV[6])
local held = ARGV[7] .. holder
if holder ~= '' and redis.call('SCARD', held) >= maxHeld then return { 'address-full' } end
if redis.call('HEXISTS', members, skeleton) == 1 then return { 'taken' } end
if max >= 0 and redis.call('HLEN', members) >= max then return { 'full' } end
local sinceSeq = tonumber(redis.call('HGET', room, 'seq') or 0)
redis.call('HSET', members, skeleton, id)
redis.call('HSET', session, 'version', 1, 'holder', holder, 'sinceSeq', sinceSeq, unpack(ARGV, 8))
redis.call('SADD', sessions, id)
redis.call('ZADD', away, awayFrom, id)
if holder ~= '' then redis.call('SADD', held, id) end
return { 'inserted', sinceSeq }
`);

/**
 * Saves the changing fields if nobody saved since `ARGV[2]` (the version read); keeps the away
 * index and the index of sessions per holding process (ARGV[6] while a socket is attached) true.
 * Returns the new version, 0 on a conflict, -1 when the session is gone.
 */
const SAVE = new RedisScript(`
local session, away = KEYS[1], KEYS[2]
local id, expected, socketId, connectedOnce, awayFrom, node, prefix = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local version = redis.call('HGET', session, 'version')
if not version then return -1 end
if version ~= expected then return 0 end
local holder = redis.call('HGET', session, 'node') or ''
if socketId == '' then
  redis.call('ZADD', away, awayFrom, id)
  node = ''
else
  redis.call('ZREM', away, id)
end
if holder ~= node then
  if holder ~= '' then redis.call('SREM', prefix .. 'node:' .. holder .. ':sessions', id) end
  if node ~= '' then redis.call('SADD', prefix .. 'node:' .. node .. ':sessions', id) end
end
redis.call('HSET', session, 'socketId', socketId, 'connectedOnce', connectedOnce, 'awayFrom', awayFrom, 'node', node)
return redis.call('HINCRBY', session, 'version', 1)
`);

/** Removes a session (with ARGV[3] = 1, only if away for ARGV[5] ms at ARGV[4]); returns how many are left in its room. */
const REMOVE = new RedisScript(`
local session, sessions, away = KEYS[1], KEYS[2], KEYS[3]
local id, prefix, conditional = ARGV[1], ARGV[2], ARGV[3] == '1'
local f = redis.call('HMGET', session, 'roomKey', 'skeleton', 'socketId', 'awayFrom', 'node', 'holder')
if not f[1] then return false end
if conditional and (f[3] ~= '' or tonumber(ARGV[4]) - tonumber(f[4]) < tonumber(ARGV[5])) then return false end
redis.call('DEL', session)
redis.call('SREM', sessions, id)
redis.call('ZREM', away, id)
if f[6] and f[6] ~= '' then redis.call('SREM', prefix .. 'address-sessions:' .. f[6], id) end
if f[5] ~= '' then redis.call('SREM', prefix .. 'node:' .. f[5] .. ':sessions', id) end
local members = prefix .. 'room:' .. f[1] .. ':members'
if redis.call('HGET', members, f[2]) == id then redis.call('HDEL', members, f[2]) end
return redis.call('HLEN', members)
`);

/**
 * A receipt: the speaker rule (ARGV[1] the room key, ARGV[2] the socket) and a seq (ARGV[3])
 * above the session's last receipt, then records it. Returns the session's name, or nothing.
 */
const ADVANCE_RECEIPT = new RedisScript(`
local f = redis.call('HMGET', KEYS[1], 'roomKey', 'socketId', 'name', 'lastReceipt')
if f[1] ~= ARGV[1] or f[2] ~= ARGV[2] then return false end
if tonumber(ARGV[3]) <= tonumber(f[4] or '0') then return false end
redis.call('HSET', KEYS[1], 'lastReceipt', ARGV[3])
return f[3]
`);

/**
 * Detaches the sessions held by processes whose heartbeat expired, as of ARGV[1], and forgets
 * those processes; returns the released session ids. Atomic: each is released once.
 */
const RELEASE_ORPHANS = new RedisScript(`
local nodes, away = KEYS[1], KEYS[2]
local now, prefix = ARGV[1], ARGV[2]
local released = {}
for _, node in ipairs(redis.call('SMEMBERS', nodes)) do
  if redis.call('EXISTS', prefix .. 'node:' .. node) == 0 then
    local held = prefix .. 'node:' .. node .. ':sessions'
    for _, id in ipairs(redis.call('SMEMBERS', held)) do
      local session = prefix .. 'session:' .. id
      local f = redis.call('HMGET', session, 'node', 'socketId')
      if f[1] == node and f[2] and f[2] ~= '' then
        redis.call('HSET', session, 'socketId', '', 'awayFrom', now, 'node', '')
        redis.call('HINCRBY', session, 'version', 1)
        redis.call('ZADD', away, now, id)
        table.insert(released, id)
      end
    end
    redis.call('DEL', held)
    redis.call('SREM', nodes, node)
  end
end
return released
`);

/**
 * Sessions in Redis (STORE=redis), shared by every server process: a hash per session, a hash
 * per room (username skeleton -> session id), an index of away sessions by the time they went away,
 * per process the sessions whose socket it holds, and per address key the sessions issued to it. Saves are optimistic: a copy remembers the
 * version it was read at, and a save of a stale copy is refused (SessionRepository.save).
 */
export class RedisSessionRepository extends SessionRepository {
  static readonly scripts = [INSERT, SAVE, REMOVE, RELEASE_ORPHANS, ADVANCE_RECEIPT];

  /** The version each copy was read at; copies are never shared between callers. */
  private readonly versions = new WeakMap<Session, string>();

  constructor(
    private readonly redis: Redis,
    /** This process: a session whose socket it holds is released if it dies. */
    private readonly nodeId: string,
  ) {
    super();
  }

  async insert(session: Session, maxMembers: number, skeleton: string, quota?: AddressQuota): Promise<SessionInsertion> {
    const snapshot = session.snapshot();
    const keys = [redisKeys.roomMembers(snapshot.roomKey), redisKeys.session(snapshot.id), redisKeys.sessions, redisKeys.away, redisKeys.room(snapshot.roomKey)];
    const max = Number.isFinite(maxMembers) ? maxMembers : UNLIMITED;
    const holding = [quota?.key ?? '', quota?.max ?? 0, redisKeys.addressSessions('')];
    const args = [skeleton, max, snapshot.id, snapshot.awayFrom, ...holding, ...fields(snapshot), 'skeleton', skeleton];
    const [insertion, sinceSeq] = (await INSERT.run(this.redis, keys, args)) as [SessionInsertion, number?];
    if (insertion === 'inserted') {
      this.versions.set(session, '1');
      session.beginsAfter(sinceSeq ?? 0);
    }
    return insertion;
  }

  async get(id: string): Promise<Session | undefined> {
    return this.restore(await this.redis.hgetall(redisKeys.session(id)));
  }

  async inRoom(roomKey: string): Promise<Session[]> {
    return this.many(await this.redis.hvals(redisKeys.roomMembers(roomKey)));
  }

  async save(session: Session): Promise<boolean> {
    const expected = this.versions.get(session);
    if (expected === undefined) return false;
    const { id, socketId, connectedOnce, awayFrom } = session.snapshot();
    const args = [id, expected, socketId ?? '', connectedOnce ? 1 : 0, awayFrom, this.nodeId, KEY_PREFIX];
    const version = Number(await SAVE.run(this.redis, [redisKeys.session(id), redisKeys.away], args));
    if (version <= 0) return false;
    this.versions.set(session, String(version));
    return true;
  }

  async remove(id: string, condition?: OutstayedCondition): Promise<number | undefined> {
    const when = condition ? [1, condition.now, condition.graceMs] : [0, 0, 0];
    const keys = [redisKeys.session(id), redisKeys.sessions, redisKeys.away];
    const left = await REMOVE.run(this.redis, keys, [id, KEY_PREFIX, ...when]);
    return typeof left === 'number' ? left : undefined;
  }

  async advanceReceipt(sessionId: string, roomKey: string, socketId: string, seq: number): Promise<string | undefined> {
    const name = await ADVANCE_RECEIPT.run(this.redis, [redisKeys.session(sessionId)], [roomKey, socketId, seq]);
    return typeof name === 'string' ? name : undefined;
  }

  async outstayed(now: number, graceMs: number): Promise<Session[]> {
    return this.many(await this.redis.zrangebyscore(redisKeys.away, '-inf', now - graceMs));
  }

  async releaseOrphans(now: number): Promise<Session[]> {
    const released = (await RELEASE_ORPHANS.run(this.redis, [redisKeys.nodes, redisKeys.away], [now, KEY_PREFIX])) as string[];
    return released.length === 0 ? [] : this.many(released);
  }

  private async many(ids: string[]): Promise<Session[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(redisKeys.session(id));
    const replies = (await pipeline.exec()) ?? [];
    return replies.flatMap(([, hash]) => this.restore(hash as Record<string, string>) ?? []);
  }

  private restore(hash: Record<string, string>): Session | undefined {
    if (hash['id'] === undefined || hash['version'] === undefined) return undefined;
    const session = Session.restore({
      id: hash['id'],
      roomKey: hash['roomKey'] ?? '',
      name: hash['name'] ?? '',
      userKey: hash['userKey'] ?? '',
      address: hash['address'] ?? '',
      creator: hash['creator'] === '1',
      createdAt: Number(hash['createdAt']),
      vault: hash['vault'] ?? '',
      socketId: hash['socketId'] ? hash['socketId'] : undefined,
      connectedOnce: hash['connectedOnce'] === '1',
      awayFrom: Number(hash['awayFrom']),
      sinceSeq: Number(hash['sinceSeq'] ?? 0),
      lastReceipt: Number(hash['lastReceipt'] ?? 0),
    });
    this.versions.set(session, hash['version']);
    return session;
  }
}

function fields(snapshot: SessionSnapshot): (string | number)[] {
  const { id, roomKey, name, userKey, address, creator, createdAt, vault, socketId, connectedOnce, awayFrom } = snapshot;
  return [
    'id', id, 'roomKey', roomKey, 'name', name, 'userKey', userKey, 'address', address,
    'creator', creator ? 1 : 0, 'createdAt', createdAt, 'vault', vault, 'socketId', socketId ?? '',
    'connectedOnce', connectedOnce ? 1 : 0, 'awayFrom', awayFrom, 'node', '',
  ];
}
