import { createCipheriv, createDecipheriv, hkdfSync, randomBytes as nodeRandomBytes } from 'node:crypto';
import { encKeyBytesFromMaster, roomKeysFromMaster } from './room-keys';
import { open, seal } from './seal';
import {
  openSessionSecrets,
  openUnderVault,
  SESSION_SECRETS_LABEL,
  sealSessionSecrets,
  sealUnderVault,
  VAULT_SEAL_INFO,
  vaultSealKey,
} from './vault-seal';
import { VaultSealError } from './vault-seal-error';

// Known answers: vault = bytes 0..31; seal key = HKDF-SHA256(vault, empty salt, "ciphernest/v1/vault-seal", 32)
// and a blob that node:crypto sealed under it with iv = 12 x 0x07 and label "test-label".
const VAULT_BYTES = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
const VAULT = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
const SEAL_KEY_HEX = 'a53296f0efbada21f183d77d16a94f0b35cb7c8c248378d9fba5029f18a6ceb0';
const KNOWN_BLOB_HEX = '070707070707070707070707a6bcd2fd324c69a7cf664386593c7c3303a62aab3bddfc59d7a12662ebee78';

const MASTER = new Uint8Array(32).map((_, i) => 200 - i * 3);
const CTX = { roomKey: 'lobby', from: 'Ada', id: 'AAAAAAAAAAAAAAAAAAAAAA' };

function nodeSealKey(vault: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', vault, Buffer.alloc(0), Buffer.from(VAULT_SEAL_INFO, 'utf8'), 32));
}

function nodeOpen(key: Buffer, label: string, sealed: Uint8Array): Buffer {
  const bytes = Buffer.from(sealed);
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
  decipher.setAAD(Buffer.from(`${VAULT_SEAL_INFO}/${label}`, 'utf8'));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
}

function nodeSeal(key: Buffer, label: string, plaintext: Buffer): Uint8Array {
  const iv = nodeRandomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`${VAULT_SEAL_INFO}/${label}`, 'utf8'));
  return Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

function otherVault(): string {
  return nodeRandomBytes(32).toString('base64url');
}

describe('vaultSealKey', () => {
  it('is HKDF-SHA256(vault bytes, empty salt, "ciphernest/v1/vault-seal", 32) as node:crypto computes it', () => {
    expect(Buffer.from(VAULT, 'base64url')).toEqual(VAULT_BYTES);
    expect(nodeSealKey(VAULT_BYTES).toString('hex')).toBe(SEAL_KEY_HEX);
  });

  it('opens the known blob that node:crypto sealed under that key', async () => {
    const opened = await openUnderVault(await vaultSealKey(VAULT), 'test-label', Buffer.from(KNOWN_BLOB_HEX, 'hex'));
    expect(Buffer.from(opened).toString('utf8')).toBe('known plaintext');
  });

  it('makes a non-extractable AES-256-GCM key for encrypt and decrypt only', async () => {
    const key = await vaultSealKey(VAULT);
    expect(key.extractable).toBe(false);
    expect(key.algorithm).toEqual({ name: 'AES-GCM', length: 256 });
    expect([...key.usages].sort()).toEqual(['decrypt', 'encrypt']);
    await expect(globalThis.crypto.subtle.exportKey('raw', key)).rejects.toThrow();
  });

  it.each([
    ['42 characters', VAULT.slice(0, 42)],
    ['44 characters', `${VAULT}A`],
    ['a non-canonical last character', `${VAULT.slice(0, 42)}B`],
    ['padding', `${VAULT}=`],
    ['a character outside b64url', `${VAULT.slice(0, 41)}+${VAULT.slice(42)}`],
  ])('refuses a vault with %s', async (_what, vault) => {
    await expect(vaultSealKey(vault)).rejects.toThrow(TypeError);
  });
});

describe('sealUnderVault and openUnderVault', () => {
  it('seal what node:crypto opens with its own key and the AAD "ciphernest/v1/vault-seal/<label>"', async () => {
    const sealed = await sealUnderVault(await vaultSealKey(VAULT), 'some-label', Buffer.from('kept on disk'));
    expect(sealed.length).toBe(12 + 'kept on disk'.length + 16);
    expect(nodeOpen(nodeSealKey(VAULT_BYTES), 'some-label', sealed).toString('utf8')).toBe('kept on disk');
  });

  it('open what node:crypto sealed', async () => {
    const sealed = nodeSeal(nodeSealKey(VAULT_BYTES), 'some-label', Buffer.from('sealed by node'));
    expect(Buffer.from(await openUnderVault(await vaultSealKey(VAULT), 'some-label', sealed)).toString('utf8')).toBe('sealed by node');
  });

  it('pick a fresh iv every time', async () => {
    const key = await vaultSealKey(VAULT);
    const [a, b] = await Promise.all([sealUnderVault(key, 'x', new Uint8Array(8)), sealUnderVault(key, 'x', new Uint8Array(8))]);
    expect(Buffer.from(a.subarray(0, 12))).not.toEqual(Buffer.from(b.subarray(0, 12)));
  });

  it.each([
    ['another vault', async (sealed: Uint8Array) => openUnderVault(await vaultSealKey(otherVault()), 'label', sealed)],
    ['another label', async (sealed: Uint8Array) => openUnderVault(await vaultSealKey(VAULT), 'other-label', sealed)],
    ['an altered byte', async (sealed: Uint8Array) => openUnderVault(await vaultSealKey(VAULT), 'label', sealed.map((byte, i) => (i === 20 ? byte ^ 1 : byte)))],
    ['a truncated blob', async (sealed: Uint8Array) => openUnderVault(await vaultSealKey(VAULT), 'label', sealed.subarray(0, 27))],
  ])('refuse to open under %s', async (_what, attempt) => {
    const sealed = await sealUnderVault(await vaultSealKey(VAULT), 'label', Buffer.from('secret'));
    await expect(attempt(sealed)).rejects.toThrow(VaultSealError);
  });

  it('refuse a label outside [a-z0-9-]', async () => {
    await expect(sealUnderVault(await vaultSealKey(VAULT), 'a/b', new Uint8Array(1))).rejects.toThrow(TypeError);
  });
});

describe('sealSessionSecrets and openSessionSecrets', () => {
  it('seal encKey bytes || UTF-8(fingerprint) under the "session-secrets" label', async () => {
    const encKeyBytes = await encKeyBytesFromMaster(MASTER, 'lobby');
    const { fingerprint } = await roomKeysFromMaster(MASTER, 'lobby');

    const sealed = await sealSessionSecrets(VAULT, encKeyBytes, fingerprint);

    const plaintext = nodeOpen(nodeSealKey(VAULT_BYTES), SESSION_SECRETS_LABEL, sealed);
    expect(plaintext).toEqual(Buffer.concat([Buffer.from(encKeyBytes), Buffer.from(fingerprint, 'utf8')]));
    expect(Buffer.from(sealed).includes(Buffer.from(encKeyBytes))).toBe(false);
  });

  it('give back a non-extractable encKey that opens the room key’s messages, and the fingerprint', async () => {
    const keys = await roomKeysFromMaster(MASTER, 'lobby');
    const box = await seal(keys.encKey, CTX, Buffer.from('hello'));

    const opened = await openSessionSecrets(VAULT, await sealSessionSecrets(VAULT, await encKeyBytesFromMaster(MASTER, 'lobby'), keys.fingerprint));

    expect(opened.fingerprint).toBe(keys.fingerprint);
    expect(opened.encKey.extractable).toBe(false);
    expect([...opened.encKey.usages].sort()).toEqual(['decrypt', 'encrypt']);
    expect(Buffer.from(await open(opened.encKey, CTX, box)).toString('utf8')).toBe('hello');
  });

  it('do not open under another vault', async () => {
    const sealed = await sealSessionSecrets(VAULT, await encKeyBytesFromMaster(MASTER, 'lobby'), '3f9a-07c1-b2e4-9d10-5a6b');
    await expect(openSessionSecrets(otherVault(), sealed)).rejects.toThrow(VaultSealError);
  });

  it('refuse a blob of another label or with a malformed fingerprint', async () => {
    const key = nodeSealKey(VAULT_BYTES);
    const otherLabel = nodeSeal(key, 'other', Buffer.concat([Buffer.alloc(32, 1), Buffer.from('3f9a-07c1-b2e4-9d10-5a6b')]));
    const badPrint = nodeSeal(key, SESSION_SECRETS_LABEL, Buffer.concat([Buffer.alloc(32, 1), Buffer.from('not a fingerprint')]));
    const keyOnly = nodeSeal(key, SESSION_SECRETS_LABEL, Buffer.alloc(32, 1));
    for (const sealed of [otherLabel, badPrint, keyOnly]) await expect(openSessionSecrets(VAULT, sealed)).rejects.toThrow(VaultSealError);
  });

  it('refuse to seal a key that is not 32 bytes or a malformed fingerprint', async () => {
    await expect(sealSessionSecrets(VAULT, new Uint8Array(31), '3f9a-07c1-b2e4-9d10-5a6b')).rejects.toThrow(RangeError);
    await expect(sealSessionSecrets(VAULT, new Uint8Array(32), '3F9A-07C1-B2E4-9D10-5A6B')).rejects.toThrow(RangeError);
  });
});
