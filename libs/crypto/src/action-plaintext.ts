import { framedText } from './encrypt-text';
import { encodePlaintext } from './message-header';
import type { ReactionEmoji } from './reaction-emoji';

/**
 * A message action as its sender's app hands it over (docs/protocol.md §3): a reply (a text
 * quoting the message `to`), a reaction turned on or off on `to`, or a delete for everyone of
 * `to`, which receivers honour only from `to`'s own sender. Sent inside layer v2's "sealed"
 * body only (§3.1), where the sender is signed.
 */
export type ActionContent =
  | { kind: 'reply'; text: string; to: string }
  | { kind: 'reaction'; to: string; emoji: ReactionEmoji; on: boolean }
  | { kind: 'delete'; to: string };

/**
 * An action's framed plaintext (docs/protocol.md §3), padded to a multiple of 256 bytes like a
 * text, so that a reaction or a delete is as long as a short text on the wire. A reply's text
 * follows a text's rules.
 *
 * Security: the result is message content; the caller zeroes it once sealed.
 *
 * @throws TypeError when `to` is not a message id (`MESSAGE_ID_PATTERN`), `emoji` is not one of
 *   `REACTION_EMOJI`, `on` is not a boolean, or the kind is unknown; RangeError for a reply's
 *   blank or too long text.
 */
export function actionPlaintext(content: ActionContent): Uint8Array<ArrayBuffer> {
  switch (content?.kind) {
    case 'reply':
      return framedText(content.text, (len) => ({ kind: 'reply', len, to: content.to }), 'actionPlaintext');
    case 'reaction':
      return encodePlaintext({ kind: 'reaction', len: 0, to: content.to, emoji: content.emoji, on: content.on }, new Uint8Array(0));
    case 'delete':
      return encodePlaintext({ kind: 'delete', len: 0, to: content.to }, new Uint8Array(0));
    default:
      throw new TypeError('actionPlaintext: unknown action');
  }
}
