import type { Page } from 'playwright-core';
import { eventually } from './support/eventually';
import { countMessages, createRoom, joinRoom, memberStatus, messageLog, sendText, uniquePassword, uniqueRoom, waitForMessage } from './support/pages';
import { useBrowserApp } from './support/use-browser-app';

/** The positions of `texts` among the log's messages; -1 for a missing one. */
async function orderOf(page: Page, texts: string[]): Promise<number[]> {
  const content = (await messageLog(page).textContent()) ?? '';
  return texts.map((text) => content.indexOf(text));
}

describe('Three people in one room (real Chromium)', () => {
  const app = useBrowserApp();

  it('each sees every message exactly once and in the same order', async () => {
    const room = uniqueRoom('Trio');
    const password = uniquePassword();
    const names = ['Ada', 'Bob', 'Cyd'];
    const users = await Promise.all(names.map(() => app().newUser()));
    const pages = users.map((user) => user.page);

    await createRoom(pages[0], { room, user: names[0], password });
    await Promise.all(pages.slice(1).map((page, i) => joinRoom(page, { room, user: names[i + 1], password })));
    await eventually(async () => {
      for (const page of pages) for (const name of names) expect(await memberStatus(page, name)).toBe('online');
    });

    // Turn by turn: each message is seen everywhere before the next is sent, so one order is right.
    const sent: string[] = [];
    for (let round = 1; round <= 2; round++) {
      for (const [i, page] of pages.entries()) {
        const text = `round ${round} from ${names[i]}`;
        await sendText(page, text);
        sent.push(text);
        await Promise.all(pages.map((other) => waitForMessage(other, text)));
      }
    }
    // A burst from one sender keeps its order too.
    const burst = [1, 2, 3, 4, 5].map((n) => `burst ${n} of 5 from Cyd`);
    for (const text of burst) await sendText(pages[2], text);
    sent.push(...burst);
    const last = 'last word from Ada';
    await sendText(pages[0], last);
    sent.push(last);
    await Promise.all(pages.map((page) => waitForMessage(page, last)));

    for (const page of pages) {
      for (const text of sent) expect({ text, count: await countMessages(page, text) }).toEqual({ text, count: 1 });
      const positions = await orderOf(page, sent);
      expect(positions.every((position) => position >= 0)).toBe(true);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    }
  }, 90_000);
});
