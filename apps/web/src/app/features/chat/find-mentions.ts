/** Where a text mentions a member: `text.slice(start, end)` is "@" and the name as typed. */
export interface Mention {
  start: number;
  end: number;
  /** The member's name as the room lists it. */
  name: string;
}

// A name character of docs/protocol.md §1 but the space: "@" after one is part of a word (an
// e-mail address), and a name followed by one is the start of a longer name.
const WORD = /[\p{L}\p{M}\p{N}_-]/u;

/**
 * The `@name` mentions of the members `names` in `text`, in order: "@" at the start or after
 * something that is not a name character, then a member's name compared by its lower-cased form
 * (as the room compares usernames, docs/protocol.md §1; names may hold spaces, so the longest
 * name that fits wins), then the end or something that is not a name character.
 */
export function findMentions(text: string, names: readonly string[]): Mention[] {
  const candidates = [...new Set(names)].filter((name) => name.length > 0).sort((a, b) => b.length - a.length);
  const mentions: Mention[] = [];
  if (candidates.length === 0) return mentions;
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    const before = at > 0 ? text.slice(Math.max(0, at - 2), at) : '';
    if (before !== '' && (WORD.test(lastCharacter(before)) || before.endsWith('@'))) continue;
    const name = candidates.find((candidate) => {
      const typed = text.slice(at + 1, at + 1 + candidate.length);
      const after = text.slice(at + 1 + candidate.length, at + 3 + candidate.length);
      return typed.toLowerCase() === candidate.toLowerCase() && (after === '' || !WORD.test(firstCharacter(after)));
    });
    if (name === undefined) continue;
    mentions.push({ start: at, end: at + 1 + name.length, name });
    at += name.length;
  }
  return mentions;
}

/** True when `text` mentions `name` (see {@link findMentions}). */
export function mentionsName(text: string, name: string): boolean {
  return findMentions(text, [name]).length > 0;
}

function lastCharacter(text: string): string {
  return Array.from(text).at(-1) ?? '';
}

function firstCharacter(text: string): string {
  return Array.from(text)[0] ?? '';
}
