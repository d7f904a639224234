import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { readMessage } from '../decrypt-message';
import { textPlaintext } from '../encrypt-text';
import { ratchetStep } from './chain-ratchet';
import { openChainShare, parseChainShare, shareKey, writeChainShare } from './chain-share';
import { x25519 } from './curve25519';
import { e2eContexts } from './e2e-contexts';
import { E2E_LABELS } from './e2e-labels';
import { readKeysAnnouncement, writeKeysAnnouncement } from './keys-announcement';
import { memberFingerprint, safetyNumber } from './safety-number';
import { SAFETY_EMOJI } from './safety-emoji';
import { openSealed, parseSealed, verifySealed, writeSealed } from './sealed-message';
import { fixedEphemeral, fixedIdentity } from './testing/fixed-keys';
import * as ref from './testing/node-reference';

// A safety number is 10,400 SHA-512 rounds through WebCrypto (about 0.4 s alone): on a loaded
// machine, with the other suites, a few of them take longer than jest's default 5 s.
jest.setTimeout(60_000);

interface Member {
  name: string;
  signSeed: string;
  agreeSeed: string;
  signPublic: string;
  agreePublic: string;
  fingerprint: string;
}

// Committed data: computed once by the node:crypto reference (see its description field).
const vectors = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'e2e-v2-vectors.json'), 'utf8')) as {
  roomKey: string;
  alice: Member;
  bob: Member;
  keys: { from: string; requestsKeys: boolean; signed: string; body: string };
  ratchet: { chainId: string; steps: { index: number; chainKey: string; messageKey: string; messageIv: string; nextChainKey: string }[] };
  share: Record<'from' | 'to' | 'ephemeralSeed' | 'ephemeralPublic' | 'shared' | 'info' | 'key' | 'iv' | 'aad' | 'signed' | 'body', string> & { generation: number; index: number };
  sealed: { from: string; id: string; index: number; text: string; plaintext: string; aad: string; signed: string; body: string };
  safetyNumber: { groups: string[]; words: string[]; emoji: string[] };
};

const VAULT = Buffer.alloc(32, 9).toString('base64url');
const bytes = (hex: string): Uint8Array<ArrayBuffer> => new Uint8Array(Buffer.from(hex, 'hex'));
const hex = (data: Uint8Array): string => Buffer.from(data).toString('hex');
const { roomKey, alice, bob, keys, ratchet, share, sealed } = vectors;
const aliceCtx = { roomKey, from: alice.name };
const step = (index: number) => ratchet.steps[index];

describe('docs/protocol.md §3.1 vectors, as the node:crypto reference computes them', () => {
  const aliceKeys = { sign: ref.signKey(Buffer.from(alice.signSeed, 'hex')), agree: ref.agreeKey(Buffer.from(alice.agreeSeed, 'hex')) };
  const bobKeys = { sign: ref.signKey(Buffer.from(bob.signSeed, 'hex')), agree: ref.agreeKey(Buffer.from(bob.agreeSeed, 'hex')) };

  it('derives the public keys from the seeds', () => {
    expect([aliceKeys.sign.publicKey, aliceKeys.agree.publicKey, bobKeys.sign.publicKey, bobKeys.agree.publicKey].map((key) => key.toString('hex'))).toEqual([
      alice.signPublic,
      alice.agreePublic,
      bob.signPublic,
      bob.agreePublic,
    ]);
  });

  it('signs the "keys" context into the stated body', () => {
    const { signed, body } = ref.keysBody(roomKey, keys.from, aliceKeys, keys.requestsKeys);
    expect([signed.toString('hex'), body.toString('hex')]).toEqual([keys.signed, keys.body]);
  });

  it('steps the chain to the stated message keys, IVs and chain keys', () => {
    for (const expected of ratchet.steps) {
      const { messageKey, messageIv, nextChainKey } = ref.chainStep(Buffer.from(expected.chainKey, 'hex'));
      expect([messageKey, messageIv, nextChainKey].map((value) => value.toString('hex'))).toEqual([expected.messageKey, expected.messageIv, expected.nextChainKey]);
    }
    expect(ratchet.steps[1].chainKey).toBe(ratchet.steps[0].nextChainKey);
  });

  it('shares the chain key at the stated index into the stated "chain" body', () => {
    const ephemeral = ref.agreeKey(Buffer.from(share.ephemeralSeed, 'hex'));
    const out = ref.chainBody(roomKey, share.from, aliceKeys.sign, bobKeys, {
      generation: share.generation,
      chainId: Buffer.from(ratchet.chainId, 'hex'),
      index: share.index,
      chainKey: Buffer.from(step(share.index).chainKey, 'hex'),
      ephemeral,
    });
    expect(ephemeral.publicKey.toString('hex')).toBe(share.ephemeralPublic);
    expect(ref.x25519(bobKeys.agree.privateKey, ephemeral.publicKey).toString('hex')).toBe(share.shared);
    expect([out.shared, out.info, out.key, out.iv, out.aad, out.signed, out.body].map((value) => value.toString('hex'))).toEqual([
      share.shared,
      share.info,
      share.key,
      share.iv,
      share.aad,
      share.signed,
      share.body,
    ]);
  });

  it('seals the stated text into the stated "sealed" body', () => {
    const plaintext = ref.textFrame(sealed.text);
    const out = ref.sealedBody(roomKey, sealed.from, aliceKeys.sign, {
      id: sealed.id,
      chainId: Buffer.from(ratchet.chainId, 'hex'),
      index: sealed.index,
      messageKey: Buffer.from(step(sealed.index).messageKey, 'hex'),
      messageIv: Buffer.from(step(sealed.index).messageIv, 'hex'),
      plaintext,
    });
    expect([plaintext, out.aad, out.signed, out.body].map((value) => value.toString('hex'))).toEqual([sealed.plaintext, sealed.aad, sealed.signed, sealed.body]);
  });

  it('computes the stated fingerprints and safety number', () => {
    const alicePrint = ref.fingerprint(aliceKeys.sign.publicKey, alice.name);
    const bobPrint = ref.fingerprint(bobKeys.sign.publicKey, bob.name);
    expect([alicePrint.toString('hex'), bobPrint.toString('hex')]).toEqual([alice.fingerprint, bob.fingerprint]);
    const number = ref.safetyNumberIndexes(bobPrint, alicePrint);
    expect(number.groups).toEqual(vectors.safetyNumber.groups);
    expect(number.wordIndexes.map((index) => wordlist[index])).toEqual(vectors.safetyNumber.words);
    expect(number.emojiIndexes.map((index) => SAFETY_EMOJI[index].name)).toEqual(vectors.safetyNumber.emoji);
  });
});

describe('docs/protocol.md §3.1 vectors, as libs/crypto (WebCrypto) computes them', () => {
  const identities = Promise.all([
    fixedIdentity(bytes(alice.signSeed), bytes(alice.agreeSeed), VAULT),
    fixedIdentity(bytes(bob.signSeed), bytes(bob.agreeSeed), VAULT),
  ]);

  it('has the stated public keys', async () => {
    const [aliceId, bobId] = await identities;
    expect([aliceId.signPublic, aliceId.agreePublic, bobId.signPublic, bobId.agreePublic].map(hex)).toEqual([alice.signPublic, alice.agreePublic, bob.signPublic, bob.agreePublic]);
  });

  it('writes the stated "keys" body over the stated context, and reads it back', async () => {
    const [aliceId] = await identities;
    const body = await writeKeysAnnouncement(aliceId, aliceCtx, keys.requestsKeys);
    expect(hex(body)).toBe(keys.body);
    expect(hex(e2eContexts.signed(E2E_LABELS.keys, aliceCtx, body.subarray(0, 66)))).toBe(keys.signed);
    const read = await readKeysAnnouncement(aliceCtx, body);
    expect([hex(read.signPublic), hex(read.agreePublic), read.requestsKeys]).toEqual([alice.signPublic, alice.agreePublic, true]);
  });

  it('steps the chain to the stated message keys, IVs and chain keys', async () => {
    for (const expected of ratchet.steps) {
      const { messageKeys, nextChainKey } = await ratchetStep(bytes(expected.chainKey));
      expect([messageKeys.key, messageKeys.iv, nextChainKey].map(hex)).toEqual([expected.messageKey, expected.messageIv, expected.nextChainKey]);
    }
  });

  it('agrees on the stated X25519 result and share key from both ends', async () => {
    const [, bobId] = await identities;
    const ephemeral = await fixedEphemeral(bytes(share.ephemeralSeed));
    expect(hex(ephemeral.publicKey)).toBe(share.ephemeralPublic);
    expect(hex(await x25519(ephemeral.privateKey, bobId.agreePublic))).toBe(share.shared);
    expect(hex(await x25519(bobId.agreePrivate, ephemeral.publicKey))).toBe(share.shared);
    const info = e2eContexts.shareInfo(aliceCtx, {
      senderSignPublic: bytes(alice.signPublic),
      recipientSignPublic: bobId.signPublic,
      recipientAgreePublic: bobId.agreePublic,
      ephemeralPublic: ephemeral.publicKey,
    });
    expect(hex(info)).toBe(share.info);
    expect(hex((await shareKey(bobId.agreePrivate, ephemeral.publicKey, info)).iv)).toBe(share.iv);
    expect(hex(e2eContexts.shareAad(share.generation, bytes(ratchet.chainId), share.index))).toBe(share.aad);
  });

  it('writes the stated "chain" body, and Björn opens the stated chain key from it', async () => {
    const [aliceId, bobId] = await identities;
    const body = await writeChainShare(
      aliceId,
      aliceCtx,
      {
        generation: share.generation,
        chainId: bytes(ratchet.chainId),
        recipients: [{ signPublic: bobId.signPublic, agreePublic: bobId.agreePublic, index: share.index, chainKey: bytes(step(share.index).chainKey) }],
      },
      await fixedEphemeral(bytes(share.ephemeralSeed)),
    );
    expect(hex(body)).toBe(share.body);
    const parsed = parseChainShare(body);
    expect(hex(e2eContexts.signed(E2E_LABELS.chain, aliceCtx, parsed.unsigned))).toBe(share.signed);
    const opened = await openChainShare(bobId, aliceCtx, aliceId.signPublic, parsed);
    expect(opened && { ...opened, chainId: hex(opened.chainId), chainKey: hex(opened.chainKey) }).toEqual({
      generation: share.generation,
      chainId: ratchet.chainId,
      index: share.index,
      chainKey: step(share.index).chainKey,
    });
  });

  it('writes the stated "sealed" body, and it opens to the stated text', async () => {
    const [aliceId] = await identities;
    const plaintext = textPlaintext(sealed.text);
    expect(hex(plaintext)).toBe(sealed.plaintext);
    const keysAtIndex = { key: bytes(step(sealed.index).messageKey), iv: bytes(step(sealed.index).messageIv) };
    const body = await writeSealed(aliceId.signPrivate, aliceCtx, { id: sealed.id, chainId: bytes(ratchet.chainId), index: sealed.index, keys: keysAtIndex, plaintext });
    expect(hex(body)).toBe(sealed.body);
    expect(hex(e2eContexts.messageAad(aliceCtx, sealed.id, bytes(ratchet.chainId), sealed.index))).toBe(sealed.aad);
    const parsed = parseSealed(body);
    expect(hex(e2eContexts.signed(E2E_LABELS.sealed, aliceCtx, parsed.unsigned, sealed.id))).toBe(sealed.signed);
    await verifySealed(aliceCtx, sealed.id, parsed, aliceId.signPublic);
    expect(readMessage(await openSealed(aliceCtx, sealed.id, parsed, keysAtIndex))).toEqual({ kind: 'text', text: sealed.text });
  });

  it('computes the stated fingerprints, and the same safety number from either end', async () => {
    const zoe = { name: alice.name, signPublic: bytes(alice.signPublic) };
    const bjorn = { name: bob.name, signPublic: bytes(bob.signPublic) };
    expect([hex(await memberFingerprint(zoe)), hex(await memberFingerprint(bjorn))]).toEqual([alice.fingerprint, bob.fingerprint]);
    const fromZoe = await safetyNumber(zoe, bjorn, wordlist);
    const fromBjorn = await safetyNumber(bjorn, zoe, wordlist);
    expect(fromBjorn).toEqual(fromZoe);
    expect(fromZoe.groups).toEqual(vectors.safetyNumber.groups);
    expect(fromZoe.words).toEqual(vectors.safetyNumber.words);
    expect(fromZoe.emoji.map((entry) => entry.name)).toEqual(vectors.safetyNumber.emoji);
  });
});
