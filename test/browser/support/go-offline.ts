import type { Page } from 'playwright-core';
import { eventually } from './eventually';
import { memberStatus } from './pages';
import type { BrowserUser } from './use-browser-app';

/**
 * Takes `user`'s browser context offline and waits until the server has noticed: `watcher`, a
 * page of someone else in the room, lists `name` as away. From then on, what the others send
 * cannot reach the user's socket; only a resume can bring it (docs/protocol.md §5.1).
 */
export async function goOffline(user: BrowserUser, name: string, watcher: Page): Promise<void> {
  await user.context.setOffline(true);
  await eventually(async () => expect(await memberStatus(watcher, name)).toBe('away'), { timeout: 30_000 });
}
