import { REACTION_EMOJI, type ReactionEmoji } from '@ciphernest/crypto';

import type { MessageEntry, Reaction } from './chat-entry';

const ORDER: readonly string[] = REACTION_EMOJI.map((reaction) => reaction.emoji);

/**
 * `entry` with `name`'s reaction `emoji` turned on or off (docs/protocol.md §3: a state, so a
 * repeat changes nothing); emoji no one reacted with are left out, the rest in REACTION_EMOJI's
 * order. Names are compared exactly, as the server reports them.
 */
export function withReaction(entry: MessageEntry, emoji: ReactionEmoji, name: string, on: boolean): MessageEntry {
  const current = entry.reactions ?? [];
  const names = current.find((reaction) => reaction.emoji === emoji)?.names ?? [];
  if (names.includes(name) === on) return entry;
  const changed = on ? [...names, name] : names.filter((known) => known !== name);
  const reactions: Reaction[] = [...current.filter((reaction) => reaction.emoji !== emoji), ...(changed.length > 0 ? [{ emoji, names: changed }] : [])];
  reactions.sort((a, b) => ORDER.indexOf(a.emoji) - ORDER.indexOf(b.emoji));
  if (reactions.length > 0) return { ...entry, reactions };
  const bare = { ...entry };
  delete bare.reactions;
  return bare;
}

/** True when `name` has reacted to `entry` with `emoji`. */
export function hasReacted(entry: MessageEntry, emoji: ReactionEmoji, name: string): boolean {
  return entry.reactions?.some((reaction) => reaction.emoji === emoji && reaction.names.includes(name)) ?? false;
}

/** The name of a reaction emoji ("thumbs up"). */
export function emojiName(emoji: ReactionEmoji): string {
  return REACTION_EMOJI.find((reaction) => reaction.emoji === emoji)?.name ?? emoji;
}

/** A reaction's accessible name: "👍 2: Alice, You" (`me` read as "You"). */
export function reactionLabel(reaction: Reaction, me: string): string {
  return `${reaction.emoji} ${reaction.names.length}: ${reaction.names.map((name) => (name === me ? 'You' : name)).join(', ')}`;
}
