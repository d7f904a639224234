// Test only: a second implementation of docs/protocol.md §3.1's byte formats over node:crypto
// (createPrivateKey, sign, diffieHellman, hkdfSync, createCipheriv, createHash), written from
// the document and sharing no code with libs/crypto, so a spec can show the two agree byte for byte.

import { createCipheriv, createHash, createPrivateKey, createPublicKey, diffieHellman, hkdfSync, sign, type KeyObject } from 'node:crypto';

const ED25519_PKCS8 = '302e020100300506032b657004220420';
const X25519_PKCS8 = '302e020100300506032b656e04220420';
const X25519_SPKI = '302a300506032b656e032100';
const VERSION = Buffer.from([2]);

const u32 = (value: number): Buffer => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
};
const u16 = (value: number): Buffer => {
  const out = Buffer.alloc(2);
  out.writeUInt16BE(value);
  return out;
};
const lp = (bytes: Buffer): Buffer => Buffer.concat([u32(bytes.length), bytes]);
const lpText = (text: string): Buffer => lp(Buffer.from(text, 'utf8'));

export interface ReferenceKey {
  privateKey: KeyObject;
  publicKey: Buffer;
}

/** An Ed25519 key pair from its 32-byte seed. */
export function signKey(seed: Buffer): ReferenceKey {
  const privateKey = createPrivateKey({ key: Buffer.from(ED25519_PKCS8 + seed.toString('hex'), 'hex'), format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(12) };
}

/** An X25519 key pair from its 32-byte private key. */
export function agreeKey(seed: Buffer): ReferenceKey {
  const privateKey = createPrivateKey({ key: Buffer.from(X25519_PKCS8 + seed.toString('hex'), 'hex'), format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(12) };
}

export function x25519(privateKey: KeyObject, publicKey: Buffer): Buffer {
  const peer = createPublicKey({ key: Buffer.from(X25519_SPKI + publicKey.toString('hex'), 'hex'), format: 'der', type: 'spki' });
  return diffieHellman({ privateKey, publicKey: peer });
}

export function hkdf(ikm: Buffer, info: Buffer, length: number): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), info, length));
}

export function aesGcm(key: Buffer, iv: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** `lp(label) || lp(roomKey) || lp(from) [|| lp(id)] || unsigned`. */
export function signedContext(label: string, roomKey: string, from: string, unsigned: Buffer, id?: string): Buffer {
  return Buffer.concat([lpText(label), lpText(roomKey), lpText(from), id === undefined ? Buffer.alloc(0) : lpText(id), unsigned]);
}

export function ed25519(key: ReferenceKey, message: Buffer): Buffer {
  return sign(null, message, key.privateKey);
}

/** One chain step: message key, message IV, next chain key. */
export function chainStep(chainKey: Buffer): { messageKey: Buffer; messageIv: Buffer; nextChainKey: Buffer } {
  return {
    messageKey: hkdf(chainKey, Buffer.from('ciphernest/v2/message-key'), 32),
    messageIv: hkdf(chainKey, Buffer.from('ciphernest/v2/message-iv'), 12),
    nextChainKey: hkdf(chainKey, Buffer.from('ciphernest/v2/chain-key'), 32),
  };
}

export function keysBody(roomKey: string, from: string, sender: { sign: ReferenceKey; agree: ReferenceKey }, requestsKeys: boolean): { signed: Buffer; body: Buffer } {
  const unsigned = Buffer.concat([VERSION, Buffer.from([requestsKeys ? 1 : 0]), sender.sign.publicKey, sender.agree.publicKey]);
  const signed = signedContext('ciphernest/v2/keys', roomKey, from, unsigned);
  return { signed, body: Buffer.concat([unsigned, ed25519(sender.sign, signed)]) };
}

export interface ReferenceShare {
  shared: Buffer;
  info: Buffer;
  key: Buffer;
  iv: Buffer;
  aad: Buffer;
  signed: Buffer;
  body: Buffer;
}

/** A "chain" body for one recipient with a fixed ephemeral key. */
export function chainBody(
  roomKey: string,
  from: string,
  sender: ReferenceKey,
  recipient: { sign: ReferenceKey; agree: ReferenceKey },
  chain: { generation: number; chainId: Buffer; index: number; chainKey: Buffer; ephemeral: ReferenceKey },
): ReferenceShare {
  const shared = x25519(chain.ephemeral.privateKey, recipient.agree.publicKey);
  const info = Buffer.concat([
    lpText('ciphernest/v2/chain-share'),
    lpText(roomKey),
    lpText(from),
    sender.publicKey,
    recipient.sign.publicKey,
    recipient.agree.publicKey,
    chain.ephemeral.publicKey,
  ]);
  const okm = hkdf(shared, info, 44);
  const key = okm.subarray(0, 32);
  const iv = okm.subarray(32);
  const aad = Buffer.concat([lpText('ciphernest/v2/chain-share'), VERSION, u32(chain.generation), chain.chainId, u32(chain.index)]);
  const entry = Buffer.concat([recipient.sign.publicKey, u32(chain.index), aesGcm(key, iv, chain.chainKey, aad)]);
  const unsigned = Buffer.concat([VERSION, u32(chain.generation), chain.chainId, chain.ephemeral.publicKey, u16(1), entry]);
  const signed = signedContext('ciphernest/v2/chain', roomKey, from, unsigned);
  return { shared, info, key, iv, aad, signed, body: Buffer.concat([unsigned, ed25519(sender, signed)]) };
}

/** A "sealed" body. */
export function sealedBody(
  roomKey: string,
  from: string,
  sender: ReferenceKey,
  message: { id: string; chainId: Buffer; index: number; messageKey: Buffer; messageIv: Buffer; plaintext: Buffer },
): { aad: Buffer; signed: Buffer; body: Buffer } {
  const aad = Buffer.concat([lpText('ciphernest/v2/message'), lpText(roomKey), lpText(from), lpText(message.id), message.chainId, u32(message.index)]);
  const ciphertext = aesGcm(message.messageKey, message.messageIv, message.plaintext, aad);
  const unsigned = Buffer.concat([VERSION, message.chainId, u32(message.index), ciphertext]);
  const signed = signedContext('ciphernest/v2/sealed', roomKey, from, unsigned, message.id);
  return { aad, signed, body: Buffer.concat([unsigned, ed25519(sender, signed)]) };
}

/** §3's frame of a text: `u32be(headerLength) || {"kind":"text","len":N} || text || zeros` to 256 bytes. */
export function textFrame(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const header = Buffer.from(JSON.stringify({ kind: 'text', len: body.length }), 'utf8');
  const used = 4 + header.length + body.length;
  return Buffer.concat([u32(header.length), header, body, Buffer.alloc(Math.ceil(used / 256) * 256 - used)]);
}

/** A member's 30-byte fingerprint: 5200 rounds of SHA-512 over version 2, the key and the name. */
export function fingerprint(signPublic: Buffer, name: string): Buffer {
  let hash = createHash('sha512').update(Buffer.concat([u16(2), signPublic, lpText(name)])).digest();
  for (let round = 0; round < 5200; round += 1) hash = createHash('sha512').update(Buffer.concat([hash, signPublic])).digest();
  return hash.subarray(0, 30);
}

/** A pair's number: digits, BIP-39 word indexes and emoji indexes, smaller fingerprint first. */
export function safetyNumberIndexes(a: Buffer, b: Buffer): { groups: string[]; wordIndexes: number[]; emojiIndexes: number[] } {
  const ordered = Buffer.compare(a, b) <= 0 ? [a, b] : [b, a];
  const bits = (print: Buffer): string => [...print].map((byte) => byte.toString(2).padStart(8, '0')).join('');
  const slices = (print: Buffer, count: number, width: number): number[] =>
    Array.from({ length: count }, (_, item) => parseInt(bits(print).slice(item * width, (item + 1) * width), 2));
  return {
    groups: ordered.flatMap((print) => Array.from({ length: 6 }, (_, chunk) => String(Number(print.readUIntBE(chunk * 5, 5) % 100000)).padStart(5, '0'))),
    wordIndexes: ordered.flatMap((print) => slices(print, 9, 11)),
    emojiIndexes: ordered.flatMap((print) => slices(print, 17, 6)),
  };
}
