import { MessageRejectedError } from '../message-rejected-error';
import { ForgeryError } from './e2e-errors';
import { createIdentity } from './identity';
import { identityWrapKey } from './identity-wrap-key';
import { readKeysAnnouncement, writeKeysAnnouncement } from './keys-announcement';

const identity = identityWrapKey(Buffer.alloc(32, 4).toString('base64url')).then(createIdentity);
const ctx = { roomKey: 'lobby', from: 'Ada' };

describe('keys announcements', () => {
  it('read back as the keys and flag written', async () => {
    const ada = await identity;
    const read = await readKeysAnnouncement(ctx, await writeKeysAnnouncement(ada, ctx, false));
    expect(read).toEqual({ signPublic: ada.signPublic, agreePublic: ada.agreePublic, requestsKeys: false });
  });

  it.each([
    ['another name', { roomKey: 'lobby', from: 'Mal' }],
    ['another room', { roomKey: 'attic', from: 'Ada' }],
  ])('do not verify under %s', async (_, elsewhere) => {
    const body = await writeKeysAnnouncement(await identity, ctx, true);
    await expect(readKeysAnnouncement(elsewhere, body)).rejects.toThrow(ForgeryError);
  });

  it('do not verify with another X25519 key put in', async () => {
    const body = await writeKeysAnnouncement(await identity, ctx, true);
    body[40] ^= 1;
    await expect(readKeysAnnouncement(ctx, body)).rejects.toThrow(ForgeryError);
  });

  it('are refused when of another version, short or long', async () => {
    const body = await writeKeysAnnouncement(await identity, ctx, true);
    const otherVersion = new Uint8Array(body);
    otherVersion[0] = 3;
    for (const bad of [otherVersion, body.subarray(0, 129), new Uint8Array([...body, 0])]) {
      await expect(readKeysAnnouncement(ctx, bad)).rejects.toThrow(MessageRejectedError);
    }
  });
});
