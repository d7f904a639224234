import { ratchetStep } from './chain-ratchet';
import { ChainGapError, ReplayError } from './e2e-errors';
import { RATCHET_LIMITS } from './ratchet-limits';
import { ReceivingChain } from './receiving-chain';
import { SendingChain } from './sending-chain';

const NOW = 5_000_000;

/** A sender chain and a receiver that learnt it at index 0. */
function pair(): { sender: SendingChain; receiver: ReceivingChain } {
  const sender = SendingChain.start(0, NOW);
  const { index, chainKey } = sender.shareable();
  return { sender, receiver: ReceivingChain.fromShare({ chainId: sender.chainId, generation: 0, index, chainKey }) };
}

async function sent(sender: SendingChain, count: number): Promise<{ index: number; key: string }[]> {
  const out: { index: number; key: string }[] = [];
  for (let n = 0; n < count; n += 1) {
    const { index, keys } = await sender.next();
    out.push({ index, key: Buffer.from(keys.key).toString('hex') });
  }
  return out;
}

async function take(receiver: ReceivingChain, index: number, now = NOW): Promise<string> {
  const pending = await receiver.keysFor(index, now);
  const key = Buffer.from(pending.keys.key).toString('hex');
  pending.commit();
  return key;
}

describe('ReceivingChain', () => {
  it('derives the sender\'s keys in order', async () => {
    const { sender, receiver } = pair();
    for (const message of await sent(sender, 3)) expect(await take(receiver, message.index)).toBe(message.key);
    expect(receiver.position).toBe(3);
  });

  it('keeps the keys of skipped indexes for their late messages, each usable once', async () => {
    const { sender, receiver } = pair();
    const messages = await sent(sender, 4);
    expect(await take(receiver, 3)).toBe(messages[3].key);
    expect(receiver.skippedIndexes).toEqual([0, 1, 2]);
    expect(await take(receiver, 1)).toBe(messages[1].key);
    expect(receiver.skippedIndexes).toEqual([0, 2]);
    await expect(receiver.keysFor(1, NOW)).rejects.toThrow(ReplayError);
  });

  it('refuses an index already passed with no key kept for it', async () => {
    const { sender, receiver } = pair();
    await sent(sender, 2);
    await take(receiver, 0);
    await expect(receiver.keysFor(0, NOW)).rejects.toThrow(ReplayError);
  });

  it('accepts exactly maxSkip indexes ahead and refuses one more, without moving', async () => {
    const { receiver } = pair();
    await expect(receiver.keysFor(RATCHET_LIMITS.maxSkip + 1, NOW)).rejects.toThrow(ChainGapError);
    expect(receiver.position).toBe(0);
    const pending = await receiver.keysFor(RATCHET_LIMITS.maxSkip, NOW);
    pending.commit();
    expect(receiver.skippedCount).toBe(RATCHET_LIMITS.maxSkip);
  });

  it('changes nothing until commit: a discarded message leaves its index open', async () => {
    const { sender, receiver } = pair();
    const [message] = await sent(sender, 1);
    (await receiver.keysFor(0, NOW)).discard();
    expect(receiver.position).toBe(0);
    expect(await take(receiver, 0)).toBe(message.key);
  });

  it('deletes skipped keys older than maxKeptAgeMs', async () => {
    const { receiver } = pair();
    (await receiver.keysFor(2, NOW)).commit();
    receiver.expire(NOW + RATCHET_LIMITS.maxKeptAgeMs);
    expect(receiver.skippedIndexes).toEqual([0, 1]);
    receiver.expire(NOW + RATCHET_LIMITS.maxKeptAgeMs + 1);
    expect(receiver.skippedIndexes).toEqual([]);
    await expect(receiver.keysFor(0, NOW)).rejects.toThrow(ReplayError);
  });

  it('keeps in its snapshot no key of an index it has used', async () => {
    const { sender, receiver } = pair();
    const messages = await sent(sender, 3);
    await take(receiver, 2);
    await take(receiver, 0);
    const stored = JSON.stringify(receiver.snapshot());
    const usedKeys = [messages[0].key, messages[2].key].map((key) => Buffer.from(key, 'hex').toString('base64url'));
    for (const key of usedKeys) expect(stored).not.toContain(key);
    expect(receiver.snapshot().skipped.map((entry) => entry.index)).toEqual([1]);
  });

  it('learns a chain from a later index and can read nothing before it', async () => {
    const sender = SendingChain.start(3, NOW);
    await sent(sender, 2);
    sender.dropStartKey();
    const { index, chainKey } = sender.shareable();
    expect(index).toBe(2);
    const receiver = ReceivingChain.fromShare({ chainId: sender.chainId, generation: 3, index, chainKey });
    await expect(receiver.keysFor(1, NOW)).rejects.toThrow(ReplayError);
    const [next] = await sent(sender, 1);
    expect(await take(receiver, 2)).toBe(next.key);
  });
});

describe('SendingChain', () => {
  it('zeroes each chain key once the next is derived, and keeps CK_0 only until told', async () => {
    const sender = SendingChain.start(0, NOW);
    const first = sender.snapshot().chainKey;
    await sender.next();
    expect(sender.snapshot().chainKey).not.toBe(first);
    expect(sender.snapshot().startKey).toBe(first);
    sender.dropStartKey();
    expect(sender.snapshot().startKey).toBeUndefined();
    expect(JSON.stringify(sender.snapshot())).not.toContain(first);
  });

  it('drops CK_0 by itself once older than maxKeptAgeMs', () => {
    const sender = SendingChain.start(0, NOW);
    sender.expire(NOW + RATCHET_LIMITS.maxKeptAgeMs + 1);
    expect(sender.keepsStartKey).toBe(false);
  });

  it('makes a new chain that no key of the old one derives', async () => {
    const old = SendingChain.start(0, NOW);
    const oldKeys = new Set<string>();
    let chainKey: Uint8Array = old.shareable().chainKey;
    for (let step = 0; step < 50; step += 1) {
      const { messageKeys, nextChainKey } = await ratchetStep(chainKey);
      oldKeys.add(Buffer.from(messageKeys.key).toString('hex')).add(Buffer.from(nextChainKey).toString('hex'));
      chainKey = nextChainKey;
    }
    const fresh = SendingChain.start(1, NOW);
    for (const { key } of await sent(fresh, 50)) expect(oldKeys.has(key)).toBe(false);
    expect(oldKeys.has(Buffer.from(fresh.shareable().chainKey).toString('hex'))).toBe(false);
    expect(Buffer.from(fresh.chainId).equals(Buffer.from(old.chainId))).toBe(false);
  });

});
