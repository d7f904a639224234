/** A piece of message text: plain, or an http(s) link. */
export type TextSegment = { text: string; href?: undefined } | { text: string; href: string };

// Stops at whitespace and at characters that usually close a URL in prose.
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}]+$/;

function isHttpUrl(candidate: string): boolean {
  try {
    const url = new URL(candidate);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * Splits text into plain and link segments, for rendering as text nodes and anchors.
 * Only absolute http(s) URLs become links; everything else stays text.
 */
export function linkify(text: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index;
    const raw = match[0].replace(TRAILING_PUNCTUATION, '');
    if (!isHttpUrl(raw)) continue;
    if (start > last) segments.push({ text: text.slice(last, start) });
    segments.push({ text: raw, href: raw });
    last = start + raw.length;
  }
  if (last < text.length) segments.push({ text: text.slice(last) });
  return segments;
}
