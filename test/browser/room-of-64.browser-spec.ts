import { DEFAULT_LIMITS } from '@ciphernest/protocol';
import { joinRoom, type Session } from '../support/builders';
import { closeAllClients } from '../support/chat-client';
import { eventually } from './support/eventually';
import { NodeMember } from './support/node-member';
import { createRoom, logLines, members, mentions, sendText, uniquePassword, uniqueRoom } from './support/pages';
import { fromPassword, type PasswordHolder } from './support/room-secrets';
import { useBrowserApp } from './support/use-browser-app';

// docs/protocol.md §3.1 in a full room (§7: 64 members): one member in Chromium, the 63 others in
// Node (libs/crypto's E2eRoom over Socket.IO, as the app drives it). The tab reads everyone and
// everyone reads the tab, before and after one member leaves and another takes the place.

/** Generous: on a loaded machine 63 members in one process share a core. */
const EVERYONE_MS = 180_000;

describe('A room of 64 (one Chromium tab, 63 members in Node)', () => {
  // The 63 sessions are made over HTTP first and connect afterwards, within the grace.
  const app = useBrowserApp({ DISCONNECT_GRACE_MS: '120000' });

  afterEach(() => closeAllClients());

  it('everyone reads the tab and the tab reads everyone; after a leave and a join, still', async () => {
    const room = uniqueRoom('Full');
    const password = uniquePassword();
    const ada = await app().newUser();
    await createRoom(ada.page, { room, user: 'Ada', password });
    const holder: PasswordHolder = await fromPassword(app().server, room, password);
    const join = (username: string): Promise<Session> => joinRoom(app().server, { room, verifier: holder.verifier, kdf: holder.kdf }, { username });
    const sessions: Session[] = [];
    for (let n = 1; n < DEFAULT_LIMITS.maxMembersPerRoom; n++) sessions.push(await join(`Member${n}`));
    const others = await Promise.all(sessions.map((session) => NodeMember.connect(app().server, session, holder, { deferred: true })));
    await eventually(async () => expect(Object.keys(await members(ada.page))).toHaveLength(DEFAULT_LIMITS.maxMembersPerRoom), { timeout: 60_000 });
    for (const member of others) member.start();

    await sendText(ada.page, 'hello, all 63 of you');
    await eventually(() => {
      for (const member of others) expect(member.texts()).toContain('Ada: hello, all 63 of you');
    }, { timeout: EVERYONE_MS, interval: 500 });
    await Promise.all(others.map((member) => member.say(`${member.name} here`)));
    await eventually(async () => {
      const lines = await logLines(ada.page);
      for (const member of others) expect(lines.filter((line) => line.startsWith(`${member.name} `) && line.includes(`${member.name} here`))).toHaveLength(1);
    }, { timeout: EVERYONE_MS, interval: 500 });

    // One leaves, another takes the place: new chains everywhere, the newcomer reads what comes next.
    const [leaver, ...stayers] = others;
    await leaver.leave();
    const newcomer = await NodeMember.connect(app().server, await join('Newcomer'), holder);
    await eventually(async () => expect(mentions(await logLines(ada.page), 'Newcomer', /\bjoined\b/)).toBe(true), { timeout: 60_000 });
    await sendText(ada.page, 'after the change');
    await eventually(() => {
      for (const member of [...stayers, newcomer]) expect(member.texts()).toContain('Ada: after the change');
    }, { timeout: EVERYONE_MS, interval: 500 });
    expect(leaver.texts()).not.toContain('Ada: after the change');
    expect((await logLines(ada.page)).filter((line) => /could not be decrypted|failed its signature check/.test(line))).toEqual([]);
  }, 600_000);
});
