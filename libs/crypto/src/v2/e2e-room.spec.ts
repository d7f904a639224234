import { wordlist } from '@scure/bip39/wordlists/english.js';
import { type MessageRejectedError } from '../message-rejected-error';
import { newMessageId } from '../random-bytes';
import { open, seal } from '../seal';
import { VaultSealError } from '../vault-seal-error';
import { E2eRoom } from './e2e-room';
import { ChainGapError, ForgeryError, ReplayError } from './e2e-errors';
import type { E2eEvent, Relayed } from './incoming';
import { ROOM_KEY, TestRelay } from './testing/test-relay';

// A safety number is 10,400 SHA-512 rounds through WebCrypto (about 0.4 s alone): on a loaded
// machine, with the other suites, a few of them take longer than jest's default 5 s.
jest.setTimeout(60_000);

async function roomOf(...names: string[]): Promise<TestRelay> {
  const relay = await TestRelay.open();
  for (const name of names) {
    await relay.join(name);
    await relay.settle();
  }
  return relay;
}

function rejections(events: readonly E2eEvent[]): MessageRejectedError[] {
  return events.flatMap((event) => (event.type === 'rejected' ? [event.error] : []));
}

/** What a member holding the password can do to a relayed box: open it and seal it again under another sender or id. */
async function relabel(relay: TestRelay, frame: Relayed, to: { from?: string; id?: string }): Promise<Relayed> {
  const plaintext = await open(relay.encKey, { roomKey: ROOM_KEY, from: frame.from, id: frame.id }, frame.box);
  const relabelled = { from: to.from ?? frame.from, id: to.id ?? frame.id };
  return { ...relabelled, box: await seal(relay.encKey, { roomKey: ROOM_KEY, ...relabelled }, plaintext) };
}

describe('E2eRoom', () => {
  it('carries texts both ways once each side has the other\'s keys and chain', async () => {
    const relay = await roomOf('Ada', 'Bo');
    await relay.send('Ada', 'hello Bo');
    await relay.send('Bo', 'hello Ada');
    await relay.settle();
    expect(relay.texts('Bo')).toEqual(['Ada: hello Bo']);
    expect(relay.texts('Ada')).toEqual(['Bo: hello Ada']);
  });

  it('carries a file, its type, name and bytes unchanged, sealed and signed like a text', async () => {
    const relay = await roomOf('Ada', 'Bo');
    const bytes = new TextEncoder().encode('%PDF-1.4\n%%EOF\n');
    const id = newMessageId();
    relay.post('Ada', await relay.tab('Ada').room.send(id, { kind: 'file', mime: 'application/pdf', name: 'notes.pdf', bytes }, relay.now));
    await relay.settle();
    const shown = relay.tab('Bo').events.filter((event) => event.type === 'message');
    expect(shown).toEqual([{ type: 'message', id, from: 'Ada', message: { kind: 'file', mime: 'application/pdf', name: 'notes.pdf', bytes } }]);
    expect(relay.recording.find((frame) => frame.id === id)?.box.byteLength).toBeGreaterThan(bytes.length);
  });

  it('refuses to send a file with a name a receiver would refuse, before anything changes', async () => {
    const relay = await roomOf('Ada', 'Bo');
    const send = relay.tab('Ada').room.send(newMessageId(), { kind: 'file', mime: 'application/pdf', name: 'a/b.pdf', bytes: new Uint8Array(1) }, relay.now);
    await expect(send).rejects.toThrow(TypeError);
    await relay.send('Ada', 'still fine');
    await relay.settle();
    expect(relay.texts('Bo')).toEqual(['Ada: still fine']);
  });

  it('carries a reply, a reaction and a delete as signed "sealed" bodies, each under its sender\'s name', async () => {
    const relay = await roomOf('Ada', 'Bo');
    const hello = await relay.send('Ada', 'hello Bo');
    await relay.settle();
    const actions = [
      { kind: 'reply', text: 'hi @Ada', to: hello },
      { kind: 'reaction', to: hello, emoji: '\u{1F44D}', on: true },
      { kind: 'delete', to: hello },
    ] as const;
    for (const content of actions) relay.post('Bo', await relay.tab('Bo').room.send(newMessageId(), content, relay.now));
    await relay.settle();
    const fromBo = relay.tab('Ada').events.flatMap((event) => (event.type === 'message' && event.from === 'Bo' ? [event.message] : []));
    expect(fromBo).toEqual(actions);
    expect(relay.recording.filter((frame) => frame.from === 'Bo').length).toBeGreaterThanOrEqual(3);
    expect(rejections(relay.tab('Ada').events)).toEqual([]);
  });

  it('reports a delete that a member seals again under another member\'s name as a forgery', async () => {
    const relay = await roomOf('Ada', 'Bo', 'Cy');
    const hello = await relay.send('Ada', 'hello');
    await relay.settle();
    // Cy holds the password: it seals its own signed delete of Ada's message under Ada's name.
    const out = await relay.tab('Cy').room.send(newMessageId(), { kind: 'delete', to: hello }, relay.now);
    const sealed = out[out.length - 1];
    const bo = relay.tab('Bo');
    const events = await bo.room.receive(await relabel(relay, { from: 'Cy', id: sealed.id, box: sealed.box }, { from: 'Ada' }), relay.now);
    expect(events.some((event) => event.type === 'message')).toBe(false);
    expect(rejections(events)).toEqual([expect.any(ForgeryError)]);
  });

  it('refuses to send an action whose to is not a message id, before anything changes', async () => {
    const relay = await roomOf('Ada', 'Bo');
    await expect(relay.tab('Ada').room.send(newMessageId(), { kind: 'delete', to: 'not an id' }, relay.now)).rejects.toThrow(TypeError);
    await relay.send('Ada', 'still fine');
    await relay.settle();
    expect(relay.texts('Bo')).toEqual(['Ada: still fine']);
  });

  it('shows nothing as a forgery or failure in an ordinary conversation of three', async () => {
    const relay = await roomOf('Ada', 'Bo', 'Cy');
    for (const name of ['Ada', 'Bo', 'Cy']) await relay.send(name, `from ${name}`);
    await relay.settle();
    expect(relay.texts('Cy')).toEqual(['Ada: from Ada', 'Bo: from Bo']);
    for (const tab of relay.tabs.values()) expect(rejections(tab.events)).toEqual([]);
  });

  it('holds what a newcomer gets before the chain it needs, and shows it once the chain arrives', async () => {
    const relay = await roomOf('Ada');
    await relay.join('Bo');
    // Ada writes at once: her box for Bo reaches him before her keys and chain.
    await relay.send('Ada', 'welcome');
    const bo = relay.tab('Bo');
    const first = await bo.room.receive(bo.inbox.shift()!, relay.now);
    await relay.settle();
    expect(first.map((event) => event.type)).toContain('held');
    expect(relay.texts('Bo')).toEqual(['Ada: welcome']);
  });

  it('gives a newcomer nothing sent before it joined, even when a relay hands it the old boxes (E2E.md P2, newcomers)', async () => {
    const relay = await roomOf('Ada', 'Bo');
    await relay.send('Ada', 'before Cy');
    await relay.settle();
    const before = [...relay.recording];
    const cy = await relay.join('Cy');
    await relay.settle();
    for (const frame of before) cy.events.push(...(await cy.room.receive(frame, relay.now)));
    relay.now += 11 * 60 * 1000;
    cy.events.push(...(await cy.room.expire(relay.now)));
    expect(relay.texts('Cy')).toEqual([]);
  });

  it('keeps a member who left from reading anything sent after, with everything its tab held (E2E.md P2)', async () => {
    const relay = await roomOf('Ada', 'Bo', 'Cy');
    await relay.send('Ada', 'while Cy is here');
    await relay.settle();
    const cy = relay.tab('Cy');
    const kept = await cy.room.save();
    await relay.leave('Cy');
    const start = relay.recording.length;
    await relay.send('Ada', 'after Cy left');
    await relay.send('Bo', 'also after');
    await relay.settle();
    expect(relay.texts('Bo')).toContain('Ada: after Cy left');
    const leaver = await E2eRoom.restore({ sealed: kept, vault: cy.vault, encKey: relay.encKey });
    const seen: E2eEvent[] = [];
    for (const frame of relay.recording.slice(start)) seen.push(...(await leaver.receive(frame, relay.now)));
    expect(seen.filter((event) => event.type === 'message')).toEqual([]);
  });

  it('leaves no message text in what the outer boxes hold, for whoever learns the password (E2E.md P1)', async () => {
    const relay = await roomOf('Ada', 'Bo');
    await relay.send('Ada', 'a secret recipe');
    await relay.settle();
    for (const frame of relay.recording) {
      const inner = await open(relay.encKey, { roomKey: ROOM_KEY, from: frame.from, id: frame.id }, frame.box);
      expect(Buffer.from(inner).includes(Buffer.from('secret recipe'))).toBe(false);
    }
  });

  it('rejects as a forgery a message a member seals under another member\'s name (E2E.md P3)', async () => {
    const relay = await roomOf('Ada', 'Bo', 'Mal');
    await relay.send('Mal', 'I am Ada');
    const forged = await relabel(relay, relay.recording.at(-1)!, { from: 'Ada' });
    const events = await relay.tab('Bo').room.receive(forged, relay.now);
    expect(rejections(events)[0]).toBeInstanceOf(ForgeryError);
    expect(events.some((event) => event.type === 'message')).toBe(false);
  });

  it('rejects as a forgery a message whose id a relay changed under the outer box', async () => {
    const relay = await roomOf('Ada', 'Bo');
    await relay.send('Ada', 'one');
    const moved = await relabel(relay, relay.recording.at(-1)!, { id: newMessageId() });
    expect(rejections(await relay.tab('Bo').room.receive(moved, relay.now))[0]).toBeInstanceOf(ForgeryError);
  });

  it('rejects a replayed copy and a reordered copy of a message already shown', async () => {
    const relay = await roomOf('Ada', 'Bo');
    await relay.send('Ada', 'one');
    await relay.send('Ada', 'two');
    const [one, two] = relay.recording.slice(-2);
    await relay.settle();
    const bo = relay.tab('Bo').room;
    expect(rejections(await bo.receive(two, relay.now))[0]).toBeInstanceOf(ReplayError);
    expect(rejections(await bo.receive(one, relay.now))[0]).toBeInstanceOf(ReplayError);
    expect(relay.texts('Bo')).toEqual(['Ada: one', 'Ada: two']);
  });

  it('opens messages that arrive out of order within the bound, each once', async () => {
    const relay = await roomOf('Ada', 'Bo');
    for (const text of ['one', 'two', 'three']) await relay.send('Ada', text);
    const bo = relay.tab('Bo');
    const [one, two, three] = bo.inbox.splice(0);
    for (const frame of [three, one, two]) bo.events.push(...(await bo.room.receive(frame, relay.now)));
    expect(relay.texts('Bo')).toEqual(['Ada: three', 'Ada: one', 'Ada: two']);
  });

  it('refuses a message more than 256 indexes ahead of its chain, then asks for the chain from where it is', async () => {
    const relay = await roomOf('Ada', 'Bo');
    const bo = relay.tab('Bo');
    for (let index = 0; index <= 257; index += 1) await relay.send('Ada', `n${index}`);
    const last = bo.inbox.pop()!;
    bo.inbox.length = 0;
    expect(rejections(await bo.room.receive(last, relay.now))[0]).toBeInstanceOf(ChainGapError);
    await relay.settle();
    await relay.send('Ada', 'caught up');
    await relay.settle();
    expect(relay.texts('Bo')).toEqual(['Ada: caught up']);
  });

  it('refuses bodies from a name not in the room: a replayed announcement does not bring a leaver back', async () => {
    const relay = await roomOf('Ada', 'Bo', 'Cy');
    const cyKeys = relay.recording.find((frame) => frame.from === 'Cy')!;
    await relay.leave('Cy');
    await relay.settle();
    const ada = relay.tab('Ada').room;
    expect(rejections(await ada.receive(cyKeys, relay.now))).toHaveLength(1);
    expect(ada.members.map((member) => member.name)).toEqual(['Bo']);
    expect(await ada.flush(relay.now)).toEqual([]);
  });

  it('starts a new chain when a member leaves: the next message is of another chain', async () => {
    const relay = await roomOf('Ada', 'Bo', 'Cy');
    await relay.send('Ada', 'first');
    await relay.settle();
    await relay.leave('Cy');
    const out = await relay.tab('Ada').room.send(newMessageId(), { kind: 'text', text: 'second' }, relay.now);
    expect(out.map((outgoing) => outgoing.kind)).toEqual(['chain', 'sealed']);
  });

  it('announces a replaced tab\'s new key to everyone, who clear "verified" and stop the old tab reading', async () => {
    const relay = await roomOf('Ada', 'Bo');
    await relay.tab('Ada').room.markVerified('Bo');
    expect(relay.tab('Ada').room.members).toEqual([{ name: 'Bo', keysKnown: true, verification: 'verified' }]);
    const oldBo = relay.tab('Bo');
    await relay.replace('Bo');
    await relay.settle();
    expect(relay.tab('Ada').events).toContainEqual(expect.objectContaining({ type: 'keys', from: 'Bo', change: 'changed' }));
    expect(relay.tab('Ada').room.members).toEqual([{ name: 'Bo', keysKnown: true, verification: 'key-changed' }]);
    await relay.send('Ada', 'to the new tab');
    const frame = relay.recording.at(-1)!;
    await relay.settle();
    expect(relay.texts('Bo')).toEqual(['Ada: to the new tab']);
    const seenByOld = await oldBo.room.receive(frame, relay.now);
    expect(seenByOld.filter((event) => event.type === 'message')).toEqual([]);
  });

  it('gives both members of a pair the same safety number, and another one once a key changes', async () => {
    const relay = await roomOf('Ada', 'Bo');
    const fromAda = await relay.tab('Ada').room.safetyNumber('Bo', wordlist);
    const fromBo = await relay.tab('Bo').room.safetyNumber('Ada', wordlist);
    expect(fromAda).toEqual(fromBo);
    expect(fromAda!.groups.join('')).toMatch(/^\d{60}$/);
    await relay.replace('Bo');
    await relay.settle();
    expect(await relay.tab('Ada').room.safetyNumber('Bo', wordlist)).not.toEqual(fromAda);
  });

  it('comes back from its sealed state with the same keys and chains, and only under its own vault', async () => {
    const relay = await roomOf('Ada', 'Bo');
    await relay.send('Ada', 'before the reload');
    await relay.settle();
    const bo = relay.tab('Bo');
    const sealed = await bo.room.save();
    await expect(E2eRoom.restore({ sealed, vault: relay.tab('Ada').vault, encKey: relay.encKey })).rejects.toThrow(VaultSealError);
    bo.room = await E2eRoom.restore({ sealed, vault: bo.vault, encKey: relay.encKey });
    await relay.send('Ada', 'after the reload');
    await relay.send('Bo', 'back');
    await relay.settle();
    expect(relay.texts('Bo')).toEqual(['Ada: before the reload', 'Ada: after the reload']);
    expect(relay.texts('Ada')).toEqual(['Bo: back']);
  });

  it('reports held boxes whose keys never come once they are too old', async () => {
    const relay = await roomOf('Ada', 'Bo');
    await relay.send('Ada', 'lost');
    const frame = relay.recording.at(-1)!;
    const stranger = await E2eRoom.create({ roomKey: ROOM_KEY, username: 'Zed', vault: Buffer.alloc(32, 1).toString('base64url'), encKey: relay.encKey });
    await stranger.syncMembers(['Ada', 'Bo', 'Zed']);
    expect((await stranger.receive(frame, relay.now)).map((event) => event.type)).toEqual(['held']);
    const expired = await stranger.expire(relay.now + 10 * 60 * 1000 + 1);
    expect(expired.map((event) => event.type)).toEqual(['rejected']);
  });

  it('shows a key a malicious relay swaps in for a member as a key change, with another safety number (E2E.md P4)', async () => {
    const relay = await roomOf('Ada', 'Bo');
    const honest = await relay.tab('Bo').room.safetyNumber('Ada', wordlist);
    // The relay knows the password: it makes an identity and announces it under Bo's name.
    const impostor = await E2eRoom.create({ roomKey: ROOM_KEY, username: 'Bo', vault: Buffer.alloc(32, 2).toString('base64url'), encKey: relay.encKey });
    const [announcement] = await impostor.flush(relay.now);
    const ada = relay.tab('Ada');
    const events = await ada.room.receive({ from: 'Bo', id: announcement.id, box: announcement.box }, relay.now);
    expect(events).toEqual([expect.objectContaining({ type: 'keys', from: 'Bo', change: 'changed' })]);
    expect(ada.room.members[0].verification).toBe('key-changed');
    expect(await ada.room.safetyNumber('Bo', wordlist)).not.toEqual(honest);
  });

  it('ignores a replayed distribution of a chain it has moved past and deleted, so old messages stay refused', async () => {
    const relay = await roomOf('Ada', 'Bo', 'Cy');
    const start = relay.recording.length;
    await relay.send('Ada', 'old chain');
    await relay.settle();
    const oldFrames = relay.recording.slice(0, start + 1).filter((frame) => frame.from === 'Ada');
    await relay.leave('Cy');
    await relay.send('Ada', 'new chain');
    await relay.settle();
    const bo = relay.tab('Bo').room;
    relay.now += 11 * 60 * 1000;
    await bo.expire(relay.now);
    const replayed: E2eEvent[] = [];
    for (const frame of oldFrames) replayed.push(...(await bo.receive(frame, relay.now)));
    expect(replayed.some((event) => event.type === 'chain' || event.type === 'message')).toBe(false);
  });

  it('answers a "keys" that asks for keys with its own, once', async () => {
    const relay = await roomOf('Ada');
    await relay.join('Bo');
    const [request] = await relay.tab('Bo').room.flush(relay.now);
    const ada = relay.tab('Ada').room;
    await ada.receive({ from: 'Bo', id: request.id, box: request.box }, relay.now);
    expect((await ada.flush(relay.now)).map((outgoing) => outgoing.kind)).toEqual(['keys', 'chain']);
    expect(await ada.flush(relay.now)).toEqual([]);
  });
});
