import { Injectable } from '@angular/core';
import { E2eRoom } from '@ciphernest/crypto';

/**
 * What the chat uses of one tab's end-to-end layer v2 (`E2eRoom` of `@ciphernest/crypto`,
 * docs/protocol.md §3.1): a type of its own so that specs can stand in for it.
 */
export type E2eLayer = Pick<
  E2eRoom,
  'syncMembers' | 'memberJoined' | 'memberLeft' | 'flush' | 'send' | 'receive' | 'expire' | 'members' | 'safetyNumber' | 'markVerified' | 'save' | 'wipe'
>;

/**
 * Makes and reopens a tab's end-to-end layer v2 for a room (docs/protocol.md §3.1). The layer's
 * private keys are made in the tab, wrapped under the session's vault, and used only as
 * non-extractable CryptoKeys; its saved state opens only under that vault.
 *
 * Security: the vault and the room key come in and are not kept here; boxes and the saved state
 * are secrets to relay or store sealed, never to log.
 */
@Injectable({ providedIn: 'root' })
export class E2eService {
  /**
   * A new identity (its keys announced by the first flush) for this tab in the room.
   *
   * @param options.username this tab's username exactly as the server reports it.
   * @throws TypeError on a malformed vault.
   */
  createRoom(options: { roomKey: string; username: string; vault: string; encKey: CryptoKey }): Promise<E2eLayer> {
    return E2eRoom.create(options);
  }

  /**
   * The state that {@link E2eLayer.save} sealed, after a reload: the same identity, chains and peers.
   *
   * @throws VaultSealError when it does not open under `vault`.
   */
  restoreRoom(options: { sealed: Uint8Array; vault: string; encKey: CryptoKey }): Promise<E2eLayer> {
    return E2eRoom.restore(options);
  }
}
