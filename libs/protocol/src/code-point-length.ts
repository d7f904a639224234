/**
 * Characters as docs/protocol.md counts them: code points, not UTF-16 units (a lone surrogate
 * counts as one). With `stopAfter`, counting ends as soon as the count passes it, so checking
 * a hostile text against a limit costs at most that many steps: the answer is then
 * `stopAfter + 1`, enough to say "too long".
 */
export function codePointLength(text: string, stopAfter = Infinity): number {
  let count = 0;
  for (const _ of text) {
    if (++count > stopAfter) break;
  }
  return count;
}
