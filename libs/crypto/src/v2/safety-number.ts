import { isByteArray } from '../is-byte-array';
import { concatBytes, lengthPrefixedText, u16be } from './byte-concat';
import { PUBLIC_KEY_BYTES } from './curve25519';
import { SAFETY_EMOJI } from './safety-emoji';

/** A member as a safety number sees them: the username as the server reports it, and the announced Ed25519 key. */
export interface SafetyMember {
  name: string;
  signPublic: Uint8Array;
}

/** A pair's safety number in its three spoken forms; both members of the pair compute the same. */
export interface SafetyNumber {
  /** 60 digits in 12 groups of 5. */
  groups: string[];
  /** 18 words of BIP-39's English list: 9 per member. */
  words: string[];
  /** 34 emoji of {@link SAFETY_EMOJI}: 17 per member. */
  emoji: { emoji: string; name: string }[];
}

/** The version that starts every fingerprint's hash: a change of construction changes every number. */
export const FINGERPRINT_VERSION = 2;
/** SHA-512 rounds per fingerprint: makes a search for a key with a given number that much dearer. */
export const FINGERPRINT_ITERATIONS = 5_200;
const FINGERPRINT_BYTES = 30;
const CHUNK_BYTES = 5;
const WORDS_PER_MEMBER = 9;
const EMOJI_PER_MEMBER = 17;
const BIP39_WORDS = 2_048;

async function sha512(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-512', bytes));
}

/**
 * A member's fingerprint (docs/protocol.md §3.1), after Signal's numeric fingerprint:
 * `h_0 = SHA-512(u16be(2) || signPublic || lp(UTF-8(name)))`, `h_k = SHA-512(h_{k-1} || signPublic)`
 * for k = 1..5200, and the first 30 bytes of `h_5200`. The name is in it, so one key shows
 * different numbers under different names.
 *
 * @throws RangeError when `signPublic` is not 32 bytes or `name` is empty.
 */
export async function memberFingerprint(member: SafetyMember): Promise<Uint8Array<ArrayBuffer>> {
  if (!isByteArray(member.signPublic) || member.signPublic.length !== PUBLIC_KEY_BYTES) throw new RangeError('memberFingerprint: key must be 32 bytes');
  if (typeof member.name !== 'string' || member.name.length === 0) throw new RangeError('memberFingerprint: name must not be empty');
  const signPublic = new Uint8Array(member.signPublic);
  let hash = await sha512(concatBytes(u16be(FINGERPRINT_VERSION), signPublic, lengthPrefixedText(member.name)));
  for (let round = 0; round < FINGERPRINT_ITERATIONS; round += 1) hash = await sha512(concatBytes(hash, signPublic));
  return hash.slice(0, FINGERPRINT_BYTES);
}

/** 30 digits: each 5-byte chunk as a big-endian integer, mod 100000, as 5 digits. */
function fingerprintGroups(fingerprint: Uint8Array): string[] {
  const groups: string[] = [];
  for (let offset = 0; offset < FINGERPRINT_BYTES; offset += CHUNK_BYTES) {
    const value = fingerprint.subarray(offset, offset + CHUNK_BYTES).reduce((sum, byte) => sum * 256 + byte, 0);
    groups.push(String(value % 100_000).padStart(5, '0'));
  }
  return groups;
}

/** The fingerprint's first `count × bits` bits, big-endian, as `count` numbers of `bits` bits. */
function fingerprintIndexes(fingerprint: Uint8Array, count: number, bits: number): number[] {
  const indexes: number[] = [];
  for (let item = 0; item < count; item += 1) {
    let value = 0;
    for (let bit = item * bits; bit < (item + 1) * bits; bit += 1) value = value * 2 + ((fingerprint[bit >> 3] >> (7 - (bit & 7))) & 1);
    indexes.push(value);
  }
  return indexes;
}

/** -1, 0 or 1 as `a` sorts before, with or after `b`, byte by byte. */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let index = 0; index < Math.min(a.length, b.length); index += 1) {
    if (a[index] !== b[index]) return a[index] < b[index] ? -1 : 1;
  }
  return Math.sign(a.length - b.length);
}

/**
 * The safety number of a pair (docs/protocol.md §3.1): both fingerprints, the smaller (byte by
 * byte) first, so both members see the same. Digits: each fingerprint's 6 chunks of 5 bytes,
 * each mod 100000, 12 groups of 5 digits in all. Words: each fingerprint's first 99 bits as 9
 * indexes of 11 bits into BIP-39's English list. Emoji: its first 102 bits as 17 indexes of 6
 * bits into {@link SAFETY_EMOJI}. Each form alone carries about 100 bits per member.
 *
 * @param wordlist BIP-39's English list (`@scure/bip39/wordlists/english.js`), passed in so the
 *   browser loads it only when a number is shown.
 * @throws RangeError when `wordlist` is not 2048 words or a member is malformed.
 */
export async function safetyNumber(a: SafetyMember, b: SafetyMember, wordlist: readonly string[]): Promise<SafetyNumber> {
  if (!Array.isArray(wordlist) || wordlist.length !== BIP39_WORDS) throw new RangeError('safetyNumber: wordlist must be BIP-39 (2048 words)');
  const fingerprints = [await memberFingerprint(a), await memberFingerprint(b)].sort(compareBytes);
  return {
    groups: fingerprints.flatMap(fingerprintGroups),
    words: fingerprints.flatMap((print) => fingerprintIndexes(print, WORDS_PER_MEMBER, 11).map((index) => wordlist[index])),
    emoji: fingerprints.flatMap((print) => fingerprintIndexes(print, EMOJI_PER_MEMBER, 6).map((index) => SAFETY_EMOJI[index])),
  };
}
