import { argon2Master, roomKeysFromMaster } from '@ciphernest/crypto';
import { apiPaths, nameKey, normalizeName, type Kdf } from '@ciphernest/protocol';
import type { ServerProcess } from '../../support/server-process';
import type { RoomSecrets } from './node-member';

/** What whoever knows a room's password derives, as any member does (docs/protocol.md §2). */
export interface PasswordHolder extends RoomSecrets {
  verifier: string;
  kdf: Kdf;
}

/**
 * The room's keys from its password and its public kdf (asked of the server, as a joiner does):
 * what a member who left, a recording's owner who learnt the password, or a relay that knows it
 * can compute.
 */
export async function fromPassword(server: ServerProcess, room: string, password: string): Promise<PasswordHolder> {
  const response = await fetch(`${server.url}${apiPaths.kdf(room)}`);
  if (!response.ok) throw new Error(`no kdf for room "${room}": ${response.status}`);
  const { kdf } = (await response.json()) as { kdf: Kdf };
  const roomKey = nameKey(normalizeName(room));
  const master = await argon2Master(password, kdf);
  try {
    const keys = await roomKeysFromMaster(master, roomKey);
    return { roomKey, encKey: keys.encKey, verifier: keys.verifier, kdf };
  } finally {
    master.fill(0);
  }
}
