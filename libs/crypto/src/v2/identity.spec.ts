import { VaultSealError } from '../vault-seal-error';
import { ed25519Sign, ed25519Verify } from './curve25519';
import { createIdentity, unwrapIdentity } from './identity';
import { identityWrapKey } from './identity-wrap-key';

const VAULT = Buffer.alloc(32, 6).toString('base64url');
const OTHER_VAULT = Buffer.alloc(32, 7).toString('base64url');

describe('identities', () => {
  it('hold non-extractable private keys for signing and agreement only', async () => {
    const identity = await createIdentity(await identityWrapKey(VAULT));
    expect([identity.signPrivate.extractable, identity.agreePrivate.extractable]).toEqual([false, false]);
    expect([identity.signPrivate.usages, identity.agreePrivate.usages]).toEqual([['sign'], ['deriveBits']]);
    await expect(crypto.subtle.exportKey('pkcs8', identity.signPrivate)).rejects.toThrow();
  });

  it('come back from their wrapped form under the same vault, signing as before', async () => {
    const identity = await createIdentity(await identityWrapKey(VAULT));
    const back = await unwrapIdentity(identity, await identityWrapKey(VAULT));
    const message = new Uint8Array([1, 2, 3]);
    expect(await ed25519Verify(identity.signPublic, await ed25519Sign(back.signPrivate, message), message)).toBe(true);
    expect(back.signPrivate.extractable).toBe(false);
  });

  it('do not come back under another vault, nor with a wrapped key swapped for the other', async () => {
    const identity = await createIdentity(await identityWrapKey(VAULT));
    await expect(unwrapIdentity(identity, await identityWrapKey(OTHER_VAULT))).rejects.toThrow(VaultSealError);
    const swapped = { ...identity, wrapped: { sign: identity.wrapped.agree, agree: identity.wrapped.sign } };
    await expect(unwrapIdentity(swapped, await identityWrapKey(VAULT))).rejects.toThrow(VaultSealError);
  });

  it('make a wrap key only for wrapping, from a well-formed vault only', async () => {
    const key = await identityWrapKey(VAULT);
    expect([key.extractable, key.usages.sort()]).toEqual([false, ['unwrapKey', 'wrapKey']]);
    await expect(identityWrapKey('short')).rejects.toThrow(TypeError);
  });
});
