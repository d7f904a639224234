import { HELD_OVERHEAD_BYTES, type HoldLimits } from '../domain/held-messages';
import { KEY_PREFIX, redisKeys } from '../../store/redis/redis-keys';
import type { ScriptArgument } from '../../store/redis/redis-script';

/**
 * HeldMessages (domain/held-messages.ts) restated in Lua over the keys of redis-keys.ts, for the
 * scripts that hold, replay and forget messages (docs/protocol.md §5.1): a room's held messages,
 * oldest first, within its heldBytes; the deployment's, oldest first, within the total of
 * `heldTotals`. Every drop takes a room's oldest, so a room holds its newest seqs, none missing.
 * A script begins with this library and builds `h` with heldContext(KEYS[a], KEYS[b], ARGV...):
 * the deployment's two keys, the key prefix, now (as text, the `ts` written) and the limits.
 * Another room's keys are built from the prefix as redisKeys builds them.
 */
export const HELD_MESSAGES_LUA = `
local function heldContext(all, totals, prefix, nowText, holdMs, roomBytes, totalBytes)
  return { all = all, totals = totals, prefix = prefix, nowText = nowText, now = tonumber(nowText),
    holdMs = tonumber(holdMs), roomBytes = tonumber(roomBytes), totalBytes = tonumber(totalBytes) }
end

local function roomHeldKeys(h, roomKey)
  local room = h.prefix .. 'room:' .. roomKey
  return room, room .. ':held', room .. ':held-order'
end

-- Drops the room's oldest held message (an entry "serial:seq:ts:bytes:sender" of its order).
local function dropRoomOldest(h, room, held, order)
  local oldest = redis.call('LPOP', order)
  if not oldest then return end
  local seq, bytes = string.match(oldest, '^%d+:(%d+):%d+:(%d+):')
  redis.call('HDEL', held, seq)
  redis.call('HINCRBY', room, 'heldBytes', -tonumber(bytes))
  redis.call('HINCRBY', h.totals, 'bytes', -tonumber(bytes))
end

-- A deployment entry "serial:ts:roomKey": its ts, and its room's keys while it is still held
-- (its serial heads its room's order; otherwise it was dropped already).
local function heldEntry(h, entry)
  local serial, ts, roomKey = string.match(entry, '^(%d+):(%d+):(.*)$')
  local room, held, order = roomHeldKeys(h, roomKey)
  local head = redis.call('LINDEX', order, 0)
  if head and string.match(head, '^(%d+):') == serial then return tonumber(ts), room, held, order end
  return tonumber(ts)
end

-- Drops what has been held for holdMs, the deployment's oldest first; skips dropped entries.
local function forgetExpired(h)
  while true do
    local entry = redis.call('LINDEX', h.all, 0)
    if not entry then return end
    local ts, room, held, order = heldEntry(h, entry)
    if room then
      if h.now - ts < h.holdMs then return end
      dropRoomOldest(h, room, held, order)
    end
    redis.call('LPOP', h.all)
  end
end

-- Drops the deployment's oldest, whatever its room, while over totalBytes; never 'newest' (a serial).
local function keepDeploymentTotal(h, newest)
  while tonumber(redis.call('HGET', h.totals, 'bytes')) > h.totalBytes do
    local entry = redis.call('LINDEX', h.all, 0)
    if not entry or string.match(entry, '^(%d+):') == newest then return end
    local _, room, held, order = heldEntry(h, entry)
    if room then dropRoomOldest(h, room, held, order) end
    redis.call('LPOP', h.all)
  end
end

-- Holds the room's newest message (its payload as published); a room always keeps its newest.
local function holdMessage(h, roomKey, seq, payload, bytes, sender)
  if h.holdMs == 0 then return end
  local room, held, order = roomHeldKeys(h, roomKey)
  local serial = redis.call('HINCRBY', h.totals, 'serial', 1)
  redis.call('HSET', held, seq, payload)
  redis.call('RPUSH', order, serial .. ':' .. seq .. ':' .. h.nowText .. ':' .. bytes .. ':' .. sender)
  redis.call('RPUSH', h.all, serial .. ':' .. h.nowText .. ':' .. roomKey)
  redis.call('HINCRBY', h.totals, 'bytes', bytes)
  local roomHeld = redis.call('HINCRBY', room, 'heldBytes', bytes)
  while roomHeld > h.roomBytes and redis.call('LLEN', order) > 1 do
    dropRoomOldest(h, room, held, order)
    roomHeld = tonumber(redis.call('HGET', room, 'heldBytes'))
  end
  keepDeploymentTotal(h, tostring(serial))
  forgetExpired(h)
end
`;

/** The deployment's keys that heldContext takes first. */
export const HELD_DEPLOYMENT_KEYS = [redisKeys.heldOrder, redisKeys.heldTotals] as const;

/** The arguments heldContext takes after the keys: the prefix, now and the limits. */
export function heldArguments(limits: HoldLimits, now: number): ScriptArgument[] {
  return [KEY_PREFIX, now, limits.holdMs, limits.roomBytes, limits.totalBytes];
}

/** What a held message counts toward the limits (docs/protocol.md §5.1): its box and HELD_OVERHEAD_BYTES. */
export function heldBytes(box: Buffer): number {
  return box.byteLength + HELD_OVERHEAD_BYTES;
}
