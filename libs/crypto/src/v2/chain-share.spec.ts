import { MessageRejectedError } from '../message-rejected-error';
import { randomBytes } from '../random-bytes';
import { openChainShare, parseChainShare, writeChainShare, type ShareRecipient } from './chain-share';
import { ForgeryError } from './e2e-errors';
import { createIdentity, type Identity } from './identity';
import { identityWrapKey } from './identity-wrap-key';

const wrapKey = identityWrapKey(Buffer.alloc(32, 5).toString('base64url'));
const ctx = { roomKey: 'lobby', from: 'Ada' };
const chainId = randomBytes(16);
const chainKey = randomBytes(32);

async function identities(): Promise<Identity[]> {
  return Promise.all([1, 2, 3].map(async () => createIdentity(await wrapKey)));
}

const recipient = (identity: Identity, index: number): ShareRecipient => ({ signPublic: identity.signPublic, agreePublic: identity.agreePublic, index, chainKey });

describe('chain distributions', () => {
  it('give each named recipient the chain key at its index, and nothing to anyone else', async () => {
    const [ada, bo, cy] = await identities();
    const body = await writeChainShare(ada, ctx, { generation: 4, chainId, recipients: [recipient(bo, 0)] });
    const opened = await openChainShare(bo, ctx, ada.signPublic, parseChainShare(body));
    expect(opened).toEqual({ generation: 4, chainId, index: 0, chainKey });
    expect(await openChainShare(cy, ctx, ada.signPublic, parseChainShare(body))).toBeUndefined();
  });

  it('are forgeries under another sender\'s key or name', async () => {
    const [ada, bo, mal] = await identities();
    const body = await writeChainShare(mal, ctx, { generation: 0, chainId, recipients: [recipient(bo, 0)] });
    await expect(openChainShare(bo, ctx, ada.signPublic, parseChainShare(body))).rejects.toThrow(ForgeryError);
    const adas = await writeChainShare(ada, ctx, { generation: 0, chainId, recipients: [recipient(bo, 0)] });
    await expect(openChainShare(bo, { ...ctx, from: 'Mal' }, ada.signPublic, parseChainShare(adas))).rejects.toThrow(ForgeryError);
  });

  it('are forgeries when a relay changes the index it shares from', async () => {
    const [ada, bo] = await identities();
    const body = await writeChainShare(ada, ctx, { generation: 0, chainId, recipients: [recipient(bo, 5)] });
    body.set([0, 0, 0, 0], 1 + 4 + 16 + 32 + 2 + 32);
    await expect(openChainShare(bo, ctx, ada.signPublic, parseChainShare(body))).rejects.toThrow(ForgeryError);
  });

  it('are malformed when their count and length disagree', async () => {
    const [ada, bo] = await identities();
    const body = await writeChainShare(ada, ctx, { generation: 0, chainId, recipients: [recipient(bo, 0)] });
    body[1 + 4 + 16 + 32 + 1] = 2;
    expect(() => parseChainShare(body)).toThrow(MessageRejectedError);
  });

  it('use a new ephemeral key each time, so the same chain key is sealed differently', async () => {
    const [ada, bo] = await identities();
    const share = { generation: 0, chainId, recipients: [recipient(bo, 0)] };
    const [one, two] = [await writeChainShare(ada, ctx, share), await writeChainShare(ada, ctx, share)].map(parseChainShare);
    expect(one.ephemeralPublic).not.toEqual(two.ephemeralPublic);
    expect(one.entries[0].sealed).not.toEqual(two.entries[0].sealed);
  });
});
