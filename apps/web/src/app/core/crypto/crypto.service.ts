import { Injectable } from '@angular/core';
import {
  assertAcceptableKdf,
  b64urlEncode,
  encKeyBytesFromMaster,
  KdfRejectedError,
  newKdf,
  newMessageId,
  openSessionSecrets,
  openUnderVault,
  roomKeysFromMaster,
  sealSessionSecrets,
  sealUnderVault,
  vaultSealKey,
  type RoomKeys,
  type SessionSecrets,
} from '@ciphernest/crypto';
import type { Kdf } from '@ciphernest/protocol';
import type { Argon2Reply, Argon2Request } from './argon2.worker';

/** A room's keys as a create or a join needs them: {@link RoomKeys}, and encKey's bytes to seal. */
export interface DerivedRoomKeys extends RoomKeys {
  /**
   * The raw bytes of `encKey`, only to seal under the session's vault once the server has
   * answered ({@link CryptoService.sealSessionSecrets}). Zero them right after; never store them.
   */
  encKeyBytes: Uint8Array;
}

/** The Argon2id worker failed for a reason other than refused parameters (it could not load, say). */
export class KeyDerivationError extends Error {
  override readonly name = 'KeyDerivationError';
}

function replyError(error: Extract<Argon2Reply, { ok: false }>['error']): Error {
  if (error.name === 'KdfRejectedError') return new KdfRejectedError(error.message, error.problems);
  return new KeyDerivationError(`key derivation failed: ${error.message}`);
}

/**
 * The app's cryptography besides the end-to-end layer (E2eService): docs/protocol.md §2 and the
 * vault seals of §4 from `@ciphernest/crypto`, with Argon2id in a Web Worker so the page never
 * freezes while a key is derived.
 *
 * Security: the password goes to the worker once and is not kept (the worker is terminated
 * after each derivation); the 32-byte master comes back as a transferred buffer, is turned
 * into the room keys here and zeroed at once. `encKey` is a non-extractable CryptoKey; its raw
 * bytes exist only from a derivation until they are sealed under the session's vault (the
 * caller zeroes them), and again for an instant when a sealed blob is opened.
 */
@Injectable({ providedIn: 'root' })
export class CryptoService {
  /**
   * The room's keys from its password (docs/protocol.md §2): Argon2id in a Web Worker, then HKDF
   * in the page. `roomKey` is the room key of docs/protocol.md §1, not the name as typed. The
   * answer carries encKey's raw bytes for sealing: the caller zeroes them.
   *
   * @throws KdfRejectedError when `kdf` is outside the accepted ranges (nothing is derived);
   *   KeyDerivationError when the worker cannot start or fails (also where there are no Web
   *   Workers, as in jsdom: Argon2id never runs in the page).
   */
  async deriveRoomKeys(password: string, roomKey: string, kdf: Kdf): Promise<DerivedRoomKeys> {
    assertAcceptableKdf(kdf);
    const master = await this.masterInWorker(password, kdf);
    try {
      const [keys, encKeyBytes] = await Promise.all([roomKeysFromMaster(master, roomKey), encKeyBytesFromMaster(master, roomKey)]);
      return { ...keys, encKeyBytes };
    } finally {
      master.fill(0);
    }
  }

  /**
   * Seals a session's secrets under its vault (`sealSessionSecrets` of `@ciphernest/crypto`:
   * HKDF-SHA256 of the vault, AES-256-GCM): the only form in which they may reach the disk.
   * The caller still owns `encKeyBytes` and zeroes them.
   *
   * @throws TypeError on a malformed vault; RangeError on malformed secrets.
   */
  sealSessionSecrets(vault: string, encKeyBytes: Uint8Array, fingerprint: string): Promise<Uint8Array> {
    return sealSessionSecrets(vault, encKeyBytes, fingerprint);
  }

  /**
   * Opens what {@link sealSessionSecrets} sealed: `encKey` comes back non-extractable.
   *
   * @throws TypeError on a malformed vault; VaultSealError when the blob does not open under it.
   */
  openSessionSecrets(vault: string, sealed: Uint8Array): Promise<SessionSecrets> {
    return openSessionSecrets(vault, sealed);
  }

  /**
   * The key a session's vault seals under (`vaultSealKey` of `@ciphernest/crypto`: HKDF-SHA256 of
   * the vault; AES-256-GCM, non-extractable), for what the tab keeps on disk besides its keys.
   *
   * @throws TypeError on a malformed vault.
   */
  vaultSealKey(vault: string): Promise<CryptoKey> {
    return vaultSealKey(vault);
  }

  /** Seals `plaintext` under a vault's key with `label` saying what it is (`sealUnderVault`). */
  sealUnderVault(sealKey: CryptoKey, label: string, plaintext: Uint8Array): Promise<Uint8Array> {
    return sealUnderVault(sealKey, label, plaintext);
  }

  /**
   * Opens what {@link sealUnderVault} sealed under the same key and label.
   *
   * @throws VaultSealError when it does not open.
   */
  openUnderVault(sealKey: CryptoKey, label: string, sealed: Uint8Array): Promise<Uint8Array> {
    return openUnderVault(sealKey, label, sealed);
  }

  /**
   * A short digest of a session's token (SHA-256, 16 bytes as b64url), to tell which session
   * something kept on disk belongs to without keeping the token there.
   */
  async tokenDigest(token: string): Promise<string> {
    const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(`ciphernest/v1/kept-for/${token}`));
    return b64urlEncode(new Uint8Array(digest).subarray(0, 16));
  }

  /** Fresh parameters for a new room: the defaults of docs/protocol.md §2 and a random salt. */
  newKdf(): Kdf {
    return newKdf();
  }

  /** A fresh random message id (22 characters of base64url). */
  newMessageId(): string {
    return newMessageId();
  }

  /** One worker per derivation: terminating it frees Argon2id's memory and the password copy. */
  private async masterInWorker(password: string, kdf: Kdf): Promise<Uint8Array> {
    if (typeof Worker === 'undefined') throw new KeyDerivationError('this browser cannot run Web Workers');
    let worker: Worker;
    try {
      const { startArgon2Worker } = await import('./start-argon2-worker');
      worker = startArgon2Worker();
    } catch {
      // The chunk did not load (offline) or the page's CSP refused the worker.
      throw new KeyDerivationError('the key-derivation worker could not start');
    }
    return new Promise<Uint8Array>((resolve, reject) => {
      const fail = (message: string) => (event: Event) => {
        event.preventDefault();
        worker.terminate();
        reject(new KeyDerivationError(message));
      };
      worker.addEventListener('message', (event: MessageEvent<Argon2Reply>) => {
        worker.terminate();
        const reply = event.data;
        if (reply.ok) resolve(new Uint8Array(reply.master));
        else reject(replyError(reply.error));
      });
      worker.addEventListener('error', fail('the key-derivation worker failed to run'));
      worker.addEventListener('messageerror', fail('the key-derivation worker sent an unreadable answer'));
      const request: Argon2Request = { password, kdf };
      worker.postMessage(request);
    });
  }
}
