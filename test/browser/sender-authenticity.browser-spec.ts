import { newMessageId } from '@ciphernest/crypto';
import { joinRoom } from '../support/builders';
import { closeAllClients } from '../support/chat-client';
import { eventually } from './support/eventually';
import { meetInRoom } from './support/meet-in-room';
import { NodeMember } from './support/node-member';
import { kindOf, openOuter, relabel } from './support/outer-box';
import { countMessages, logLines, sendText, waitForMessage } from './support/pages';
import { fromPassword, type PasswordHolder } from './support/room-secrets';
import { WireRelay } from './support/wire-relay';
import { type BrowserApp, useBrowserApp } from './support/use-browser-app';

// E2E.md P3, sender authenticity (docs/protocol.md §3.1): a member holds the password, so it can
// seal an outer box under any name, and a relay between the server and a member's browser can
// rewrite `from`, `id` and `seq`. Together they cannot make the browser show a message as sent by
// someone who did not send it: the body is signed by its sender's key, over the room, `from` and
// `id`; a forgery is reported, a replay dropped. With layer v1 the relabelled message showed as
// the other member's.

/** docs/protocol.md §3.1: what the page says instead of a forged message. */
function forgeryLine(name: string): RegExp {
  return new RegExp(`^A message claiming to be from ${name} failed its signature check and was not shown\\.`);
}

/** Ada and Bob in Chromium (Bob's page behind a relay), and Mal, a member in Node who holds the password. */
async function roomWithForger(app: BrowserApp) {
  let relay: WireRelay | undefined;
  const {
    room,
    password,
    users: [ada, bob],
  } = await meetInRoom(app, [{ name: 'Ada' }, { name: 'Bob', before: async (user) => void (relay = await WireRelay.between(user.page)) }], 'Forgery');
  if (relay === undefined) throw new Error('no relay');
  const holder: PasswordHolder = await fromPassword(app.server, room, password);
  const mal = await NodeMember.connect(app.server, await joinRoom(app.server, { room, verifier: holder.verifier, kdf: holder.kdf }, { username: 'Mal' }), holder);
  // Mal is a member like any other: what it says under its own name shows as its own.
  await mal.say('hello, Mal here');
  await waitForMessage(bob.page, 'hello, Mal here');
  return { relay, holder, mal, ada, bob };
}

describe('Messages under another member\'s name (E2E.md P3, real Chromium)', () => {
  const app = useBrowserApp();

  afterEach(() => closeAllClients());

  it('a member\'s message that a relay relabels as another member\'s shows nowhere, and the forgery is reported', async () => {
    const { relay, holder, mal, ada, bob } = await roomWithForger(app());
    // The relay hands Bob every message Mal seals as Ada's, its outer box sealed again under her name.
    relay.rewrite = async (message) => {
      if (message.from !== 'Mal' || kindOf(await openOuter(message, holder)) !== 'sealed') return [message];
      return [await relabel(message, holder, { from: 'Ada' })];
    };

    await mal.say('Ada here: send the money to Mal');
    await eventually(async () => expect((await logLines(bob.page)).some((line) => forgeryLine('Ada').test(line))).toBe(true));

    expect(await countMessages(bob.page, 'Ada here: send the money to Mal')).toBe(0);
    expect(relay.delivered.some((message) => message.from === 'Ada' && message.id === mal.sent.at(-1)?.id)).toBe(true);
    // Ada's own messages still show as hers.
    await sendText(ada.page, 'Ada, really');
    await waitForMessage(bob.page, 'Ada, really');
  }, 90_000);

  it('a genuine message that a relay delivers again, under a new id or a new seq, shows once; the renamed copy is reported', async () => {
    const { relay, holder, ada, bob } = await roomWithForger(app());
    await sendText(ada.page, 'meet at noon');
    await waitForMessage(bob.page, 'meet at noon');
    const fromAda = relay.delivered.filter((message) => message.from === 'Ada');
    const kinds = await Promise.all(fromAda.map(async (message) => kindOf(await openOuter(message, holder))));
    const genuine = fromAda[kinds.lastIndexOf('sealed')];
    if (genuine === undefined) throw new Error('the relay handed Bob no message from Ada');

    // The same box under a later seq, then under a new id (its outer box sealed again for it).
    await relay.inject({ ...genuine, seq: genuine.seq + 1 });
    await relay.inject(await relabel(genuine, holder, { id: newMessageId(), seq: genuine.seq + 2 }));
    await eventually(async () => expect((await logLines(bob.page)).some((line) => forgeryLine('Ada').test(line))).toBe(true));

    expect(await countMessages(bob.page, 'meet at noon')).toBe(1);
    expect((await logLines(bob.page)).filter((line) => forgeryLine('Ada').test(line))).toHaveLength(1);
  }, 90_000);
});
