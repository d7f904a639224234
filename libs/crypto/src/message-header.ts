import { isObject, MESSAGE_ID_PATTERN } from '@ciphernest/protocol';
import { fileHeaderProblem } from './file-header-rules';
import { isByteArray } from './is-byte-array';
import { MessageRejectedError, UnknownKindError } from './message-rejected-error';
import { framePlaintext, unframePlaintext } from './plaintext-frame';
import { isReactionEmoji, type ReactionEmoji } from './reaction-emoji';

export { MAX_HEADER_BYTES } from './plaintext-frame';

/** The image types a message may carry (docs/protocol.md §3). No SVG: it can carry script. */
export const IMAGE_MIMES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'] as const;

export type ImageMime = (typeof IMAGE_MIMES)[number];

/** The JSON header at the front of every plaintext (docs/protocol.md §3); `len` counts body bytes. */
export type MessageHeader =
  | { kind: 'text'; len: number }
  | { kind: 'image'; len: number; mime: ImageMime; name?: string; width?: number; height?: number }
  | { kind: 'file'; len: number; mime: string; name: string }
  | ActionHeader;

/**
 * The message actions (docs/protocol.md §3): a reply (a text that quotes the message `to`), a
 * reaction toggled on or off, and a delete for everyone; `to` is a message id. Reactions and
 * deletes have no body (`len` 0).
 */
export type ActionHeader =
  | { kind: 'reply'; len: number; to: string }
  | { kind: 'reaction'; len: number; to: string; emoji: ReactionEmoji; on: boolean }
  | { kind: 'delete'; len: number; to: string };

/** Every kind this version reads, in the order docs/protocol.md §3 lists them. */
export const MESSAGE_KINDS: readonly MessageHeader['kind'][] = ['text', 'image', 'file', 'reply', 'reaction', 'delete'];

/** Plaintexts are padded to a multiple of this many bytes, so lengths leak less. */
export const DEFAULT_PAD_TO = 256;

/** PNG's limit; also keeps dimensions well inside what layout code handles. */
const MAX_DIMENSION = 2 ** 31 - 1;

const HEADER_FIELDS: Readonly<Record<MessageHeader['kind'], readonly string[]>> = {
  text: ['kind', 'len'],
  image: ['kind', 'len', 'mime', 'name', 'width', 'height'],
  file: ['kind', 'len', 'mime', 'name'],
  reply: ['kind', 'len', 'to'],
  reaction: ['kind', 'len', 'to', 'emoji', 'on'],
  delete: ['kind', 'len', 'to'],
};

const isKnownKind = (kind: string): kind is MessageHeader['kind'] => Object.hasOwn(HEADER_FIELDS, kind);

function isDimension(value: unknown): boolean {
  return value === undefined || (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_DIMENSION);
}

const UNKNOWN_KIND = 'header.kind is unknown';
/** A reaction of a later version's emoji: dropped silently, like an unknown kind. */
const UNKNOWN_EMOJI = 'header.emoji is not one of REACTION_EMOJI';

/** The first thing wrong with an action's own fields (docs/protocol.md §3), or undefined. */
function actionProblem(header: Record<string, unknown>, kind: ActionHeader['kind']): string | undefined {
  if (typeof header['to'] !== 'string' || !MESSAGE_ID_PATTERN.test(header['to'])) return 'header.to is not a message id';
  if (kind === 'reply') return undefined;
  if (header['len'] !== 0) return `header.len of a ${kind} is not 0`;
  if (kind === 'delete') return undefined;
  if (typeof header['on'] !== 'boolean') return 'header.on is not a boolean';
  if (typeof header['emoji'] !== 'string') return 'header.emoji is not a string';
  return isReactionEmoji(header['emoji']) ? undefined : UNKNOWN_EMOJI;
}

/**
 * The first thing wrong with a header, or undefined. What we write must hold known fields only;
 * what we read may hold fields of a later version, which are ignored (docs/protocol.md §3). A
 * kind outside `kinds` counts as unknown.
 */
function headerProblem(value: unknown, unknownFields: 'refuse' | 'ignore', kinds: readonly string[] = MESSAGE_KINDS): string | undefined {
  if (!isObject(value)) return 'header is not an object';
  const header = value;
  const kind = header['kind'];
  if (typeof kind !== 'string') return 'header.kind is not a string';
  if (!kinds.includes(kind) || !isKnownKind(kind)) return UNKNOWN_KIND;
  const unknownField = Object.keys(header).find((field) => !HEADER_FIELDS[kind].includes(field));
  if (unknownField !== undefined && unknownFields === 'refuse') return `header.${unknownField} is not allowed`;
  if (!Number.isSafeInteger(header['len']) || (header['len'] as number) < 0) return 'header.len is not a byte count';
  if (kind === 'text') return undefined;
  if (kind === 'file') return fileHeaderProblem(header['mime'], header['name']);
  if (kind !== 'image') return actionProblem(header, kind);
  if (!(IMAGE_MIMES as readonly unknown[]).includes(header['mime'])) return 'header.mime is not an accepted image type';
  if (header['name'] !== undefined && typeof header['name'] !== 'string') return 'header.name is not a string';
  if (!isDimension(header['width'])) return 'header.width is not a positive integer';
  if (!isDimension(header['height'])) return 'header.height is not a positive integer';
  return undefined;
}

/** Known fields only, in a fixed order, absent optional fields left out. */
function canonicalHeader(header: MessageHeader): MessageHeader {
  if (header.kind === 'text') return { kind: 'text', len: header.len };
  if (header.kind === 'file') return { kind: 'file', len: header.len, mime: header.mime, name: header.name };
  if (header.kind === 'reply' || header.kind === 'delete') return { kind: header.kind, len: header.len, to: header.to };
  if (header.kind === 'reaction') return { kind: 'reaction', len: header.len, to: header.to, emoji: header.emoji, on: header.on };
  const image: MessageHeader = { kind: 'image', len: header.len, mime: header.mime };
  if (header.name !== undefined) image.name = header.name;
  if (header.width !== undefined) image.width = header.width;
  if (header.height !== undefined) image.height = header.height;
  return image;
}

/**
 * Frames a message body as docs/protocol.md §3's plaintext:
 * `u32be(headerLength) || UTF-8(JSON header) || body || zero padding`, padded to a
 * multiple of `padTo` bytes (default 256; 1 for none). Only the header's known fields are
 * written, so stray properties of the caller's object never end up in a message.
 *
 * @throws TypeError when the header is malformed or `body` is not a Uint8Array;
 *   RangeError when `header.len` differs from `body.length`, `padTo` is not a positive
 *   integer or the header's JSON exceeds {@link MAX_HEADER_BYTES}.
 */
export function encodePlaintext(header: MessageHeader, body: Uint8Array, padTo: number = DEFAULT_PAD_TO): Uint8Array<ArrayBuffer> {
  if (!isByteArray(body)) throw new TypeError('encodePlaintext: body must be a Uint8Array');
  const problem = headerProblem(header, 'refuse');
  if (problem !== undefined) throw new TypeError(`encodePlaintext: ${problem}`);
  if (header.len !== body.length) throw new RangeError('encodePlaintext: header.len must equal the body length in bytes');
  return framePlaintext(canonicalHeader(header), body, padTo);
}

/**
 * Parses a plaintext framed by {@link encodePlaintext}. Strict: the header length must be
 * 1..{@link MAX_HEADER_BYTES} and inside the plaintext, the header valid UTF-8 JSON (no BOM)
 * of a known kind, an image's `mime` one of {@link IMAGE_MIMES}, `width` and `height` positive
 * integers, `name` a string, a file's `mime` and `name` as {@link fileHeaderProblem} requires,
 * an action's `to` a message id (`MESSAGE_ID_PATTERN`), a reaction's `on` a boolean, and `len`
 * bytes present after it (0 for a reaction or a delete). Fields it does not know are ignored and
 * left out of the header returned (a later version's; docs/protocol.md §3). Bytes after the
 * body are padding and ignored. The body returned is a copy.
 *
 * Security: the input is attacker-controlled even after authentication (any room member can
 * seal anything), hence every check.
 *
 * @param kinds the kinds the caller reads (default {@link MESSAGE_KINDS}); any other is unknown.
 * @throws UnknownKindError for a well-framed header of a kind this version (or `kinds`) does not
 *   know, or a reaction whose emoji it does not know (drop it silently); MessageRejectedError on
 *   any malformation.
 */
export function decodePlaintext(plaintext: Uint8Array, kinds: readonly MessageHeader['kind'][] = MESSAGE_KINDS): { header: MessageHeader; body: Uint8Array<ArrayBuffer> } {
  const { header: parsed, bodyStart } = unframePlaintext(plaintext);
  const problem = headerProblem(parsed, 'ignore', kinds);
  if (problem === UNKNOWN_KIND || problem === UNKNOWN_EMOJI) throw new UnknownKindError(problem);
  if (problem !== undefined) throw new MessageRejectedError(problem);
  const header = canonicalHeader(parsed as MessageHeader);
  if (header.len > plaintext.length - bodyStart) throw new MessageRejectedError('body runs past the end of the plaintext');
  return { header, body: new Uint8Array(plaintext.subarray(bodyStart, bodyStart + header.len)) };
}
