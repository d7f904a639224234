import { readMessage, type DecryptedMessage } from '../decrypt-message';
import { MessageRejectedError, UnknownKindError } from '../message-rejected-error';
import { open } from '../seal';
import { openChainShare, parseChainShare } from './chain-share';
import { x25519 } from './curve25519';
import { decodeEnvelope } from './e2e-envelope';
import { ChainGapError } from './e2e-errors';
import type { E2eItem, HeldEntry } from './held-messages';
import { readKeysAnnouncement } from './keys-announcement';
import { RATCHET_LIMITS } from './ratchet-limits';
import type { KeysChange } from './room-roster';
import { userKey } from './room-roster';
import type { RoomState } from './room-state';
import { openSealed, parseSealed, verifySealed } from './sealed-message';

/** A relayed `message` (docs/protocol.md §5) as the app hands it over. */
export interface Relayed {
  from: string;
  id: string;
  box: Uint8Array | ArrayBuffer;
}

/**
 * What became of a relayed box (or of one held earlier). `rejected` carries the reason:
 * ForgeryError (a bad signature: say so), ReplayError, ChainGapError, or a plain
 * MessageRejectedError (does not open, malformed); `ignored` is silent (a later version's kind,
 * a distribution for others or already known).
 */
export type E2eEvent =
  | { type: 'message'; id: string; from: string; message: DecryptedMessage }
  | { type: 'keys'; id: string; from: string; change: KeysChange }
  | { type: 'chain'; id: string; from: string }
  | { type: 'held'; id: string; from: string }
  | { type: 'ignored'; id: string; from: string }
  | { type: 'rejected'; id: string; from: string; error: MessageRejectedError };

const WAIT = 'wait';

function rejected(item: { id: string; from: string }, error: unknown): E2eEvent {
  if (error instanceof UnknownKindError) return { type: 'ignored', id: item.id, from: item.from };
  if (error instanceof MessageRejectedError) return { type: 'rejected', id: item.id, from: item.from, error };
  throw error;
}

async function takeKeys(state: RoomState, item: E2eItem): Promise<E2eEvent> {
  const announcement = await readKeysAnnouncement({ roomKey: state.roomKey, from: item.from }, item.body);
  // A small-order X25519 key would make every chain shared with it readable by anyone.
  (await x25519(state.identity.agreePrivate, announcement.agreePublic)).fill(0);
  const change = state.roster.acceptKeys(item.from, announcement);
  if (change === 'changed') state.rotationDue = true;
  if (announcement.requestsKeys) {
    if (state.keysDue === 'none') state.keysDue = 'announce';
    if (change === 'same') state.roster.markPending(item.from);
  }
  return { type: 'keys', id: item.id, from: item.from, change };
}

async function takeChain(state: RoomState, item: E2eItem, now: number): Promise<E2eEvent | typeof WAIT> {
  const peer = state.roster.peer(item.from);
  if (peer === undefined) return WAIT;
  const share = await openChainShare(state.identity, { roomKey: state.roomKey, from: item.from }, peer.signPublic, parseChainShare(item.body));
  if (share === undefined) return { type: 'ignored', id: item.id, from: item.from };
  if (!peer.acceptChain(share, now)) {
    share.chainKey.fill(0);
    return { type: 'ignored', id: item.id, from: item.from };
  }
  return { type: 'chain', id: item.id, from: item.from };
}

async function takeSealed(state: RoomState, item: E2eItem, now: number): Promise<E2eEvent | typeof WAIT> {
  const peer = state.roster.peer(item.from);
  if (peer === undefined) return WAIT;
  const ctx = { roomKey: state.roomKey, from: item.from };
  const sealed = parseSealed(item.body);
  await verifySealed(ctx, item.id, sealed, peer.signPublic);
  const chain = peer.chain(sealed.chainId);
  if (chain === undefined) return WAIT;
  const pending = await chain.keysFor(sealed.index, now).catch((error: unknown) => {
    // Fallen too far behind: ask everyone for keys, and so for their chains from where they are.
    if (error instanceof ChainGapError) state.keysDue = 'request';
    throw error;
  });
  let plaintext: Uint8Array;
  try {
    plaintext = await openSealed(ctx, item.id, sealed, pending.keys);
  } catch (error) {
    pending.discard();
    throw error;
  }
  pending.commit();
  enforceSkippedLimit(state);
  try {
    return { type: 'message', id: item.id, from: item.from, message: readMessage(plaintext) };
  } finally {
    plaintext.fill(0);
  }
}

/** Deletes the oldest skipped keys, whoever sent them, while more than `maxSkippedKeys` are kept. */
function enforceSkippedLimit(state: RoomState): void {
  const chains = state.roster.allPeers.flatMap((peer) => peer.chains);
  let total = chains.reduce((sum, chain) => sum + chain.skippedCount, 0);
  while (total > RATCHET_LIMITS.maxSkippedKeys) {
    const oldest = chains
      .map((chain) => ({ chain, oldest: chain.oldestSkipped() }))
      .filter((entry) => entry.oldest !== undefined)
      .sort((a, b) => a.oldest!.storedAt - b.oldest!.storedAt)[0];
    oldest.chain.dropSkipped(oldest.oldest!.index);
    total -= 1;
  }
}

/** One body's outcome, or WAIT when what it needs has not arrived. */
async function take(state: RoomState, item: E2eItem, now: number): Promise<E2eEvent | typeof WAIT> {
  try {
    if (userKey(item.from) === userKey(state.username)) throw new MessageRejectedError('a body under this tab\'s own name');
    // Membership is what presence and member events say; a body from anyone else (a replay of
    // someone who left) must not bring them back as a recipient.
    if (!state.roster.has(item.from)) throw new MessageRejectedError('a body from someone not in the room');
    if (item.kind === 'keys') return await takeKeys(state, item);
    if (item.kind === 'chain') return await takeChain(state, item, now);
    return await takeSealed(state, item, now);
  } catch (error) {
    return rejected(item, error);
  }
}

/** Retries what was held from `from`, in order, until nothing more can be taken. */
async function releaseHeld(state: RoomState, from: string, now: number): Promise<E2eEvent[]> {
  const events: E2eEvent[] = [];
  let progress = true;
  while (progress) {
    progress = false;
    const waiting: HeldEntry[] = [];
    for (const entry of state.held.takeFrom((sender) => userKey(sender) === userKey(from))) {
      const outcome = await take(state, entry.item, now);
      if (outcome === WAIT) waiting.push(entry);
      else {
        events.push(outcome);
        progress = true;
      }
    }
    state.held.restore(waiting);
  }
  return events;
}

/**
 * A relayed box through both layers: the v1 box opened with the room key, its v2 body taken
 * (docs/protocol.md §3.1). A body that waits for keys or a chain is held, and released (its
 * events added after this one's) when what it waits for arrives.
 */
export async function receiveRelayed(state: RoomState, relayed: Relayed, now: number): Promise<E2eEvent[]> {
  const { from, id } = relayed;
  let item: E2eItem;
  try {
    const plaintext = await open(state.encKey, { roomKey: state.roomKey, from, id }, relayed.box);
    try {
      item = { from, id, ...decodeEnvelope(plaintext) };
    } finally {
      plaintext.fill(0);
    }
  } catch (error) {
    return [rejected({ id, from }, error)];
  }
  const outcome = await take(state, item, now);
  if (outcome === WAIT) {
    const evicted = state.held.add(item, now);
    return [{ type: 'held', id, from }, ...evicted.map((old) => rejected(old, new MessageRejectedError('held too long: its keys never came')))];
  }
  const released = outcome.type === 'keys' || outcome.type === 'chain' ? await releaseHeld(state, from, now) : [];
  return [outcome, ...released];
}
