import fc from 'fast-check';
import { MessageRejectedError } from '../message-rejected-error';
import { textPlaintext } from '../encrypt-text';
import { ChainGapError, ForgeryError, ReplayError } from './e2e-errors';
import { createIdentity } from './identity';
import { identityWrapKey } from './identity-wrap-key';
import { RATCHET_LIMITS } from './ratchet-limits';
import { ReceivingChain } from './receiving-chain';
import { parseSealed, verifySealed, writeSealed } from './sealed-message';
import { SendingChain } from './sending-chain';

// The ratchet of docs/protocol.md §3.1 as properties: whatever the order and repetition of
// deliveries, each index opens once with the sender's key and never again; nothing beyond the
// bound moves a chain; and a signature binds sender, id and every byte.

const NOW = 7_000_000;
const RUNS = { numRuns: 30 };
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

async function sentKeys(count: number): Promise<{ receiver: ReceivingChain; keys: string[] }> {
  const sender = SendingChain.start(0, NOW);
  const receiver = ReceivingChain.fromShare({ chainId: sender.chainId, generation: 0, ...sender.shareable() });
  const keys: string[] = [];
  for (let n = 0; n < count; n += 1) keys.push(hex((await sender.next()).keys.key));
  return { receiver, keys };
}

const deliveries = fc.integer({ min: 1, max: 24 }).chain((count) =>
  fc.record({
    count: fc.constant(count),
    order: fc.array(fc.integer({ min: 0, max: count - 1 }), { minLength: 1, maxLength: 40 }),
  }),
);

describe('the sender chain ratchet', () => {
  it('opens each index once, with the sender\'s key, in any order, and refuses every later copy', async () => {
    await fc.assert(
      fc.asyncProperty(deliveries, async ({ count, order }) => {
        const { receiver, keys } = await sentKeys(count);
        const opened = new Set<number>();
        for (const index of order) {
          if (opened.has(index)) {
            await expect(receiver.keysFor(index, NOW)).rejects.toThrow(ReplayError);
            continue;
          }
          const pending = await receiver.keysFor(index, NOW);
          expect(hex(pending.keys.key)).toBe(keys[index]);
          pending.commit();
          opened.add(index);
        }
        const kept = receiver.skippedIndexes;
        const expected = Array.from({ length: receiver.position }, (_, index) => index).filter((index) => !opened.has(index));
        expect(kept).toEqual(expected);
      }),
      RUNS,
    );
  });

  it('refuses anything more than maxSkip ahead and stays where it was', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 5 }), fc.integer({ min: RATCHET_LIMITS.maxSkip + 1, max: 2 ** 32 - 1 }), async (seen, ahead) => {
        const { receiver } = await sentKeys(0);
        for (let index = 0; index < seen; index += 1) (await receiver.keysFor(index, NOW)).commit();
        const index = Math.min(seen + ahead, 2 ** 32 - 1);
        await expect(receiver.keysFor(index, NOW)).rejects.toThrow(ChainGapError);
        expect([receiver.position, receiver.skippedCount]).toEqual([seen, 0]);
      }),
      RUNS,
    );
  });
});

describe('a "sealed" signature', () => {
  const sender = identityWrapKey(Buffer.alloc(32, 3).toString('base64url')).then(createIdentity);
  const ctx = { roomKey: 'lobby', from: 'Ada' };
  const id = 'AAAAAAAAAAAAAAAAAAAAAA';

  async function body(): Promise<Uint8Array> {
    const chain = SendingChain.start(0, NOW);
    const { index, keys } = await chain.next();
    return writeSealed((await sender).signPrivate, ctx, { id, chainId: chain.chainId, index, keys, plaintext: textPlaintext('hi') });
  }

  it('fails for any other sender or id (a relabelled message is a forgery)', async () => {
    const signed = parseSealed(await body());
    const signPublic = (await sender).signPublic;
    await verifySealed(ctx, id, signed, signPublic);
    const name = fc.stringMatching(/^[A-Za-z0-9_.-]{1,32}$/);
    const messageId = fc.stringMatching(/^[A-Za-z0-9_-]{16,64}$/);
    await fc.assert(
      fc.asyncProperty(name, messageId, async (from, otherId) => {
        fc.pre(from !== ctx.from || otherId !== id);
        await expect(verifySealed({ ...ctx, from }, otherId, signed, signPublic)).rejects.toThrow(ForgeryError);
      }),
      RUNS,
    );
  });

  it('fails for any changed byte: rejected as malformed or as a forgery, never opened', async () => {
    const original = await body();
    const signPublic = (await sender).signPublic;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: original.length - 1 }), fc.integer({ min: 1, max: 255 }), async (offset, flip) => {
        const altered = new Uint8Array(original);
        altered[offset] ^= flip;
        const outcome = await Promise.resolve()
          .then(() => verifySealed(ctx, id, parseSealed(altered), signPublic))
          .then(() => 'verified', (error: unknown) => error);
        expect(outcome).toBeInstanceOf(MessageRejectedError);
      }),
      RUNS,
    );
  });
});
