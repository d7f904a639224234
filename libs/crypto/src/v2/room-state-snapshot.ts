import { b64urlDecode, b64urlEncode } from '../b64url';
import { openUnderVault, sealUnderVault, vaultSealKey } from '../vault-seal';
import { VaultSealError } from '../vault-seal-error';
import { E2E_LABELS } from './e2e-labels';
import { HeldMessages } from './held-messages';
import { unwrapIdentity } from './identity';
import { identityWrapKey } from './identity-wrap-key';
import { RoomRoster, type RosterSnapshot } from './room-roster';
import type { KeysDue, RoomState } from './room-state';
import { SendingChain, type SendingChainSnapshot } from './sending-chain';

/** A room's v2 state as JSON, before it is sealed under the vault: no private key in it, only wrapped ones. */
interface RoomStateSnapshot {
  v: 2;
  roomKey: string;
  username: string;
  identity: { signPublic: string; agreePublic: string; wrappedSign: string; wrappedAgree: string };
  roster: RosterSnapshot;
  own?: SendingChainSnapshot;
  keysDue: KeysDue;
  rotationDue: boolean;
}

/**
 * The state sealed under the session's vault (vault-seal.ts, label `e2e-state`): chain keys,
 * skipped keys and peers' keys as JSON; the tab's private keys only as wrapped by
 * `identityWrapKey` (docs/protocol.md §3.1, "What a tab keeps"). Held bodies are not kept.
 */
export async function sealRoomState(state: RoomState): Promise<Uint8Array<ArrayBuffer>> {
  const snapshot: RoomStateSnapshot = {
    v: 2,
    roomKey: state.roomKey,
    username: state.username,
    identity: {
      signPublic: b64urlEncode(state.identity.signPublic),
      agreePublic: b64urlEncode(state.identity.agreePublic),
      wrappedSign: b64urlEncode(state.identity.wrapped.sign),
      wrappedAgree: b64urlEncode(state.identity.wrapped.agree),
    },
    roster: state.roster.snapshot(),
    keysDue: state.keysDue,
    rotationDue: state.rotationDue,
  };
  if (state.own !== undefined) snapshot.own = state.own.snapshot();
  const plaintext = new TextEncoder().encode(JSON.stringify(snapshot));
  try {
    return await sealUnderVault(state.sealKey, E2E_LABELS.stateSeal, plaintext);
  } finally {
    plaintext.fill(0);
  }
}

/**
 * A state back from {@link sealRoomState}'s blob, under the same vault.
 *
 * @throws VaultSealError when the blob does not open under `vault` or holds something malformed.
 */
export async function openRoomState(sealed: Uint8Array, vault: string, encKey: CryptoKey): Promise<RoomState> {
  const sealKey = await vaultSealKey(vault);
  const plaintext = await openUnderVault(sealKey, E2E_LABELS.stateSeal, sealed);
  let snapshot: RoomStateSnapshot;
  try {
    snapshot = JSON.parse(new TextDecoder().decode(plaintext)) as RoomStateSnapshot;
  } catch (cause) {
    throw new VaultSealError('sealed room state is malformed', { cause });
  } finally {
    plaintext.fill(0);
  }
  if (snapshot?.v !== 2) throw new VaultSealError('sealed room state is of another version');
  const { identity } = snapshot;
  try {
    return {
      roomKey: snapshot.roomKey,
      username: snapshot.username,
      encKey,
      sealKey,
      identity: await unwrapIdentity(
        {
          signPublic: b64urlDecode(identity.signPublic),
          agreePublic: b64urlDecode(identity.agreePublic),
          wrapped: { sign: b64urlDecode(identity.wrappedSign), agree: b64urlDecode(identity.wrappedAgree) },
        },
        await identityWrapKey(vault),
      ),
      roster: RoomRoster.restore(snapshot.roster),
      held: new HeldMessages(),
      own: snapshot.own === undefined ? undefined : SendingChain.restore(snapshot.own),
      keysDue: snapshot.keysDue,
      rotationDue: snapshot.rotationDue,
    };
  } catch (cause) {
    if (cause instanceof VaultSealError) throw cause;
    throw new VaultSealError('sealed room state is malformed', { cause });
  }
}
