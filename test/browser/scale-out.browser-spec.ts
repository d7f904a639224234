import type { LogRecord, ServerProcess } from '../support/server-process';
import { deploymentEnv, useCluster, useRedis } from '../scale/support/cluster';
import { eventually } from './support/eventually';
import {
  createRoom,
  field,
  joinRoom,
  leaveChat,
  logLines,
  memberStatus,
  messageItemDescription,
  sendText,
  showsTyping,
  typeWithoutSending,
  uniquePassword,
  uniqueRoom,
  waitForMessage,
} from './support/pages';
import { BROWSER_SERVER_ENV, useBrowserApp } from './support/use-browser-app';

// One real redis-server for the file; its afterAll runs after the block's processes stop.
const redis = useRedis();

/** The users whose socket attached to `node` in `room` (its `socket.connected` log lines). */
function socketsOn(node: ServerProcess, room: string): unknown[] {
  return node.logs().filter((record: LogRecord) => record.event === 'socket.connected' && record.room === room).map((record) => record.user);
}

/**
 * An acknowledged message of ours: "Sent" until the others' receipts reach it, then "Delivered"
 * (docs/protocol.md §5.2; the server relays receipts once issue 13's server part is in).
 */
const ACKNOWLEDGED = /\b(sent|delivered)\b/i;

describe('Two people on two processes sharing one Redis (STORE=redis, real Chromium)', () => {
  // Process 1 serves Ada's page, process 2 (a live deployment's newcomer) serves Bob's.
  const app = useBrowserApp(() => deploymentEnv(redis(), BROWSER_SERVER_ENV));
  const cluster = useCluster(redis, 1, BROWSER_SERVER_ENV);

  it('create on one, join on the other, text both ways, typing, leaving, and the name freed', async () => {
    const first = app().server;
    const second = cluster()[0]!;
    expect(second.url).not.toBe(first.url);

    const room = uniqueRoom('Scale');
    const password = uniquePassword();
    const ada = await app().newUser();
    const bob = await app().newUser({ baseURL: second.url });

    await createRoom(ada.page, { room, user: 'Ada', password });
    await joinRoom(bob.page, { room, user: 'Bob', password });
    expect(new URL(ada.page.url()).origin).toBe(first.url);
    expect(new URL(bob.page.url()).origin).toBe(second.url);

    await eventually(async () => {
      expect(await memberStatus(ada.page, 'Bob')).toBe('online');
      expect(await memberStatus(bob.page, 'Ada')).toBe('online');
    });
    // Each socket is held by its own process: nothing reached the other one but through Redis.
    expect(socketsOn(first, room)).toEqual(['Ada']);
    expect(socketsOn(second, room)).toEqual(['Bob']);

    await sendText(ada.page, 'Hello Bob, Ada on process one.');
    await waitForMessage(bob.page, 'Hello Bob, Ada on process one.');
    await eventually(async () => expect(await messageItemDescription(ada.page, 'Hello Bob, Ada on process one.')).toMatch(ACKNOWLEDGED));
    await expect(messageItemDescription(bob.page, 'Hello Bob, Ada on process one.')).resolves.toContain('Ada');

    await sendText(bob.page, 'Hi Ada, Bob on process two.');
    await waitForMessage(ada.page, 'Hi Ada, Bob on process two.');
    await eventually(async () => expect(await messageItemDescription(bob.page, 'Hi Ada, Bob on process two.')).toMatch(ACKNOWLEDGED));
    await expect(messageItemDescription(ada.page, 'Hi Ada, Bob on process two.')).resolves.toContain('Bob');

    await typeWithoutSending(bob.page, 'Typing across processes');
    await eventually(async () => expect(await showsTyping(ada.page, 'Bob')).toBe(true));
    await field(bob.page, 'Message').press('Enter');
    await waitForMessage(ada.page, 'Typing across processes');
    await eventually(async () => expect(await showsTyping(ada.page, 'Bob')).toBe(false));

    await leaveChat(bob.page);
    await eventually(async () => {
      expect((await logLines(ada.page)).some((line) => line.includes('Bob') && /\bleft\b/i.test(line))).toBe(true);
      expect(await memberStatus(ada.page, 'Bob')).toBeUndefined();
    });

    // Ada leaves last: the room is gone everywhere, so process 2 lets the name be taken afresh.
    await leaveChat(ada.page);
    await createRoom(bob.page, { room, user: 'Bob', password: uniquePassword() });
    await eventually(async () => expect(await memberStatus(bob.page, 'Bob')).toBe('online'));
    expect(await memberStatus(bob.page, 'Ada')).toBeUndefined();
    expect(second.logs().filter((record) => record.event === 'room.created' && record.room === room)).toHaveLength(1);
  }, 40_000);
});
