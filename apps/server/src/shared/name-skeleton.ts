import unhomoglyph from 'unhomoglyph';

/**
 * Rounds before giving up on a fixed point. For every letter, mark and digit a second round
 * settles what the first left (an upper-case prototype such as `0` -> `O`, or one that decomposes
 * into a mark the table maps again, such as `ǆ` -> `dž`); four leave room for names that mix them.
 */
const MAX_ROUNDS = 4;

/** One round: lower case, then the UTS #39 skeleton: NFD, each code point to its prototype, NFD again. */
function round(text: string): string {
  return unhomoglyph(text.toLowerCase().normalize('NFD')).normalize('NFD');
}

/**
 * The look-alike form of a normalised room name or username (docs/protocol.md §1
 * "Look-alike names"): two names with one skeleton look the same, so they are one
 * room, or one member of a room. Never shown to anyone and never part of a key: the room key
 * (the crypto labels use it) stays the lower-cased name.
 *
 * It is the Unicode TR39 skeleton of the lower-cased name (the prototypes of confusables.txt,
 * Unicode 13.0, as the `unhomoglyph` package ships them), lower-cased and mapped again until it
 * no longer changes: names are compared without case, and some prototypes are capitals (`0` ->
 * `O`, `𝐀` -> `A`) that a member could type in lower case, so `B0B` and `BOB` are one name, as
 * are `𝐀lice` and `alice`. Two names with one key always have one skeleton.
 */
export function nameSkeleton(name: string): string {
  let current = round(name);
  for (let n = 1; n < MAX_ROUNDS; n++) {
    const next = round(current);
    if (next === current) break;
    current = next;
  }
  return current;
}
