import { open, seal } from '@ciphernest/crypto';
import type { RelayedMessage } from '@ciphernest/protocol';
import type { RoomSecrets } from './node-member';

// The outer box of docs/protocol.md §3, as whoever holds the password sees it: a recording's
// owner who learnt it later, a member, or a relay that knows it.

/** The `kind` of a §3 plaintext's header (`u32be(headerLength) || JSON`): "keys", "chain" or "sealed" in a v2 room. */
export function kindOf(plaintext: Uint8Array): unknown {
  const length = Buffer.from(plaintext).readUInt32BE(0);
  return (JSON.parse(Buffer.from(plaintext.subarray(4, 4 + length)).toString('utf8')) as { kind?: unknown }).kind;
}

/** The plaintext of a box under the sender and id it travelled with. */
export function openOuter(box: { from: string; id: string; box: unknown }, secrets: RoomSecrets): Promise<Uint8Array> {
  return open(secrets.encKey, { roomKey: secrets.roomKey, from: box.from, id: box.id }, box.box as Uint8Array);
}

/**
 * `message` with its box opened and sealed again under another sender or id (and with another
 * seq, which nothing seals): what a relay that knows the password can do to any message.
 */
export async function relabel(message: RelayedMessage, secrets: RoomSecrets, to: Partial<Pick<RelayedMessage, 'from' | 'id' | 'seq'>>): Promise<RelayedMessage> {
  const plaintext = await openOuter(message, secrets);
  const from = to.from ?? message.from;
  const id = to.id ?? message.id;
  return { ...message, ...to, box: Buffer.from(await seal(secrets.encKey, { roomKey: secrets.roomKey, from, id }, plaintext)) };
}
