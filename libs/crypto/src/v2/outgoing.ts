import { actionPlaintext, type ActionContent } from '../action-plaintext';
import { filePlaintext, type FileInput } from '../encrypt-file';
import { imagePlaintext, type ImageInput } from '../encrypt-image';
import { textPlaintext } from '../encrypt-text';
import { newMessageId } from '../random-bytes';
import { sealAndWipe } from '../seal';
import { wipeMessageKeys } from './chain-ratchet';
import { writeChainShare } from './chain-share';
import { encodeEnvelope, type E2eKind } from './e2e-envelope';
import { writeKeysAnnouncement } from './keys-announcement';
import type { RoomState } from './room-state';
import { writeSealed } from './sealed-message';
import { SendingChain } from './sending-chain';

/** A box to send as a `message` event `{ id, box }` (docs/protocol.md §5), in the order given. */
export interface Outgoing {
  id: string;
  kind: E2eKind;
  box: Uint8Array<ArrayBuffer>;
}

/** What a member sends: a text, an image, a file, or a message action (a reply, a reaction, a delete). */
export type OutgoingContent = { kind: 'text'; text: string } | ({ kind: 'image' } & ImageInput) | ({ kind: 'file' } & FileInput) | ActionContent;

/** The §3 plaintext of `content`, padded. */
function plaintextOf(content: OutgoingContent): Uint8Array<ArrayBuffer> {
  if (content.kind === 'text') return textPlaintext(content.text);
  if (content.kind === 'image') return imagePlaintext(content);
  if (content.kind === 'file') return filePlaintext(content);
  return actionPlaintext(content);
}

async function boxed(state: RoomState, kind: E2eKind, body: Uint8Array, id: string = newMessageId()): Promise<Outgoing> {
  return { id, kind, box: await sealAndWipe(state.encKey, { roomKey: state.roomKey, from: state.username, id }, encodeEnvelope(kind, body)) };
}

/**
 * Everything due before the next message (docs/protocol.md §3.1, "Rotation"), in order: the
 * tab's "keys" when asked for or first connecting; a new chain when one is due (every member
 * becomes a pending recipient); then one "chain" distribution to every pending recipient whose
 * keys are known. `CK_0` is deleted once no recipient is pending.
 */
export async function flushDue(state: RoomState, now: number): Promise<Outgoing[]> {
  return (await flushWithChain(state, now)).out;
}

async function flushWithChain(state: RoomState, now: number): Promise<{ out: Outgoing[]; own: SendingChain }> {
  const out: Outgoing[] = [];
  const ctx = { roomKey: state.roomKey, from: state.username };
  if (state.keysDue !== 'none') {
    out.push(await boxed(state, 'keys', await writeKeysAnnouncement(state.identity, ctx, state.keysDue === 'request')));
    state.keysDue = 'none';
  }
  const own = rotateIfDue(state, now);
  const due = state.roster.dueRecipients;
  if (due.length > 0) {
    const { index, chainKey } = own.shareable();
    try {
      const recipients = due.map((peer) => ({ signPublic: peer.signPublic, agreePublic: peer.agreePublic, index, chainKey }));
      out.push(await boxed(state, 'chain', await writeChainShare(state.identity, ctx, { generation: own.generation, chainId: own.chainId, recipients })));
      state.roster.markShared(due);
    } finally {
      chainKey.fill(0);
    }
  }
  if (!state.roster.hasPending) own.dropStartKey();
  return { out, own };
}

/** The own chain, new when one is due: generation one above the last, every member a pending recipient. */
function rotateIfDue(state: RoomState, now: number): SendingChain {
  if (state.own !== undefined && !state.own.exhausted && !state.rotationDue) return state.own;
  const generation = state.own === undefined ? 0 : state.own.generation + 1;
  state.own?.wipe();
  state.own = SendingChain.start(generation, now);
  state.roster.startChain();
  state.rotationDue = false;
  return state.own;
}

/**
 * {@link flushDue}, then the message itself as a "sealed" body under `id`: the next index of
 * the own chain, its keys deleted once used. Cost: one AES-GCM seal and one signature (plus the
 * outer box of §3).
 *
 * @throws RangeError or TypeError when the content cannot be sent (a blank text, an empty image
 *   or file, a refused file name, an action's malformed `to`), before anything changes.
 */
export async function sendContent(state: RoomState, id: string, content: OutgoingContent, now: number): Promise<Outgoing[]> {
  const plaintext = plaintextOf(content);
  try {
    const { out, own } = await flushWithChain(state, now);
    const { index, keys } = await own.next();
    try {
      const body = await writeSealed(state.identity.signPrivate, { roomKey: state.roomKey, from: state.username }, { id, chainId: own.chainId, index, keys, plaintext });
      out.push(await boxed(state, 'sealed', body, id));
    } finally {
      wipeMessageKeys(keys);
    }
    return out;
  } finally {
    plaintext.fill(0);
  }
}
