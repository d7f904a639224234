import type { BrowserContextOptions } from 'playwright-core';
import { eventually } from './eventually';
import { createRoom, joinRoom, memberStatus, uniquePassword, uniqueRoom } from './pages';
import type { TrafficRecorder } from './traffic-recorder';
import type { BrowserApp, BrowserUser } from './use-browser-app';

/** One person to bring into the room: a username, and what their browser context needs. */
export interface Guest {
  name: string;
  /** Options of the person's own browser context (bypassCSP for a page that gets axe-core, say). */
  options?: BrowserContextOptions;
  /** Watches the context from before its first connection, so the first handshake is recorded too. */
  traffic?: TrafficRecorder;
  /** Runs on the person's tab before it opens the app (a route between it and the server, say). */
  before?: (user: BrowserUser) => Promise<void>;
}

export interface Meeting {
  room: string;
  password: string;
  /** One per guest, in the order given. */
  users: BrowserUser[];
}

/**
 * Brings `guests` into a new room, each in a browser context of their own: the first creates it,
 * the others join it one after the other. Resolves once every page lists every guest online, so
 * that a test starts from a room where everyone is there.
 */
export async function meetInRoom(app: BrowserApp, guests: readonly Guest[], prefix = 'Room'): Promise<Meeting> {
  const room = uniqueRoom(prefix);
  const password = uniquePassword();
  const users: BrowserUser[] = [];
  for (const guest of guests) {
    const user = await app.newUser(guest.options);
    guest.traffic?.watchContext(user.context);
    await guest.before?.(user);
    users.push(user);
  }
  const [creator, ...joiners] = guests;
  if (creator === undefined) throw new Error('a meeting needs at least one guest');
  await createRoom(users[0].page, { room, user: creator.name, password });
  for (const [i, joiner] of joiners.entries()) await joinRoom(users[i + 1].page, { room, user: joiner.name, password });
  await eventually(async () => {
    for (const user of users) for (const guest of guests) expect(await memberStatus(user.page, guest.name)).toBe('online');
  });
  return { room, password, users };
}
