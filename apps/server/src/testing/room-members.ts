import type { RoomRepository } from '../membership/application/ports/room.repository';
import type { SessionRepository } from '../membership/application/ports/session.repository';
import { Room } from '../membership/domain/room';
import { Session } from '../membership/domain/session';
import { nameSkeleton } from '../shared/name-skeleton';
import { aKdf, verifierFor } from './membership-harness';

const VAULT = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';

/** Opens a room named `name` (its key is the name lower-cased) in the repository. */
export async function openRoom(rooms: RoomRepository, name: string, createdAt = 1): Promise<void> {
  const room = Room.open({ key: name.toLowerCase(), name, creator: 'Ålice', creatorAddress: '203.0.113.7', createdAt, kdf: aKdf(), verifier: verifierFor(name) });
  expect(await rooms.insert(room, 10, nameSkeleton(room.name))).toBe('inserted');
}

/** A member of the room, its session id `<roomKey>-<name>`, holding `socketId` (none: never connected). */
export async function addMember(sessions: SessionRepository, name: string, roomKey: string, socketId?: string): Promise<Session> {
  const session = Session.start({ id: `${roomKey}-${name}`, roomKey, name, userKey: name.toLowerCase(), address: '203.0.113.7', creator: false, createdAt: 1, vault: VAULT });
  expect(await sessions.insert(session, 10, nameSkeleton(name))).toBe('inserted');
  if (socketId !== undefined) {
    session.attach(socketId);
    expect(await sessions.save(session)).toBe(true);
  }
  return session;
}
