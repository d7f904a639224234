/**
 * The reactions a message may carry (docs/protocol.md §3, `reaction`): a fixed set, each with the
 * name a screen reader and the page use for it. A reaction with an emoji outside the set is a
 * later version's and is dropped silently, like a kind this version does not know.
 */
export const REACTION_EMOJI = [
  { emoji: '\u{1F44D}', name: 'thumbs up' },
  { emoji: '\u2764\uFE0F', name: 'red heart' },
  { emoji: '\u{1F602}', name: 'face with tears of joy' },
  { emoji: '\u{1F62E}', name: 'face with open mouth' },
  { emoji: '\u{1F622}', name: 'crying face' },
  { emoji: '\u{1F389}', name: 'party popper' },
] as const;

export type ReactionEmoji = (typeof REACTION_EMOJI)[number]['emoji'];

const EMOJI: readonly string[] = REACTION_EMOJI.map((reaction) => reaction.emoji);

/** True for one of {@link REACTION_EMOJI}'s emoji, exactly (the heart with its U+FE0F). */
export function isReactionEmoji(value: unknown): value is ReactionEmoji {
  return typeof value === 'string' && EMOJI.includes(value);
}
