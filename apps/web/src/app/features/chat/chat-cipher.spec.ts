import { TestBed } from '@angular/core/testing';

import { ChatCipher, type KeptLayer } from './chat-cipher';
import { ChatReceipts } from './chat-receipts';
import { VAULT, fakeSession } from './testing/chat-fakes';
import { SAFETY_NUMBER, layerBox } from './testing/fake-e2e-layer';
import { type ChatDoubles, configureChat, drain, presenceOf, restoreChatGlobals } from './testing/chat-test-bed';

describe('ChatCipher', () => {
  let chat: ChatDoubles;
  let cipher: ChatCipher;

  beforeEach(() => {
    chat = configureChat();
    cipher = TestBed.inject(ChatCipher);
  });

  afterEach(() => restoreChatGlobals());

  const sentIds = () => chat.connection.sends.map((send) => send.id);

  /** Acknowledges every send so far, in order, from seq `first` on. */
  function acknowledgeAll(first = 1): void {
    chat.connection.sends.forEach((send, index) => send.resolve({ seq: first + index, ts: 1 }));
  }

  it('opens a new identity with the first presence (the session room key, name and vault) and tells it who is there', async () => {
    cipher.start(fakeSession());

    await expect(cipher.connected(presenceOf('Alice', 'Bob'))).resolves.toBe('opened');

    const layer = chat.e2e.layer;
    expect(layer.restored).toBe(false);
    expect(layer.options).toEqual({ roomKey: 'blue room', username: 'Bob', vault: VAULT, encKey: fakeSession().keys?.encKey });
    expect(layer.calls).toEqual(['sync Alice,Bob']);
    expect(cipher.open()).toBe(true);
    expect(cipher.trust()).toEqual([{ name: 'Alice', keysKnown: true, verification: 'unverified' }]);
  });

  it('sends the boxes each flush makes, in order, each after the previous one was acknowledged', async () => {
    cipher.start(fakeSession());
    await cipher.connected(presenceOf('Alice', 'Bob'));
    chat.e2e.layer.due = [layerBox('keys', 'keys-box-000000000001'), layerBox('chain', 'chain-box-00000000001')];

    await cipher.run(async () => undefined);
    await drain();
    expect(sentIds()).toEqual(['keys-box-000000000001']);

    chat.connection.sends[0].resolve({ seq: 7, ts: 1 });
    await drain();
    expect(sentIds()).toEqual(['keys-box-000000000001', 'chain-box-00000000001']);
    chat.connection.sends[1].resolve({ seq: 8, ts: 1 });
    await drain();
    // Each acknowledged box moves the resume point on.
    expect(TestBed.inject(ChatReceipts).resumePoint()).toBe(8);
  });

  it('runs what is asked before the first presence once the layer is open and told who is there', async () => {
    cipher.start(fakeSession());
    const sealing = cipher.seal('own-message-id-0001', { kind: 'text', text: 'typed early' });
    await drain();
    expect(chat.e2e.layers).toEqual([]);

    void cipher.connected(presenceOf('Alice', 'Bob'));
    const box = await sealing;

    expect(chat.e2e.layer.calls).toEqual(['sync Alice,Bob']);
    expect(chat.e2e.layer.sealed).toEqual([{ ctx: { roomKey: 'blue room', from: 'Bob', id: 'own-message-id-0001' }, content: { kind: 'text', text: 'typed early' } }]);
    expect(new TextDecoder().decode(box)).toContain('typed early');
  });

  it('sends the layer boxes due before a message first, then the message after them', async () => {
    cipher.start(fakeSession());
    await cipher.connected(presenceOf('Alice', 'Bob'));
    chat.e2e.layer.due = [layerBox('chain', 'chain-box-00000000001')];

    const box = await cipher.seal('own-message-id-0001', { kind: 'text', text: 'hello' });
    const sent = cipher.send({ id: 'own-message-id-0001', box });
    await drain();
    expect(sentIds()).toEqual(['chain-box-00000000001']);
    chat.connection.sends[0].resolve({ seq: 3, ts: 1 });
    await drain();
    expect(sentIds()).toEqual(['chain-box-00000000001', 'own-message-id-0001']);
    chat.connection.sends[1].resolve({ seq: 4, ts: 9 });

    await expect(sent).resolves.toEqual({ seq: 4, ts: 9 });
  });

  it('follows joins and leaves (a timeout is a leave); away and back change nothing; a later presence says who is there', async () => {
    cipher.start(fakeSession());
    await cipher.connected(presenceOf('Alice', 'Bob'));
    for (const type of ['joined', 'away', 'back', 'left'] as const) cipher.memberChanged({ type, name: 'Carol', at: 1 });
    cipher.memberChanged({ type: 'left', name: 'Alice', reason: 'timeout', at: 2 });
    await expect(cipher.connected(presenceOf('Bob', 'Dan'))).resolves.toBe('skipped');
    await cipher.run(async () => undefined);

    expect(chat.e2e.layer.calls).toEqual(['sync Alice,Bob', 'joined Carol', 'left Carol', 'left Alice', 'sync Bob,Dan']);
    expect(cipher.trust().map((member) => member.name)).toEqual(['Dan']);
  });

  describe('after a reload (the session comes without its keys)', () => {
    /** What an earlier page of this tab kept: Alice verified, a "chain" not acknowledged, sealed under `vault`. */
    async function keptFromAnEarlierPage(vault = VAULT): Promise<KeptLayer> {
      const earlier = await chat.e2e.createRoom({ roomKey: 'blue room', username: 'Bob', vault, encKey: {} as CryptoKey });
      await earlier.syncMembers(['Alice', 'Bob']);
      await earlier.markVerified('Alice');
      chat.e2e.layers.length = 0;
      return { state: await earlier.save(), unsent: [layerBox('chain', 'chain-box-00000000009')] };
    }

    it('opens the room key with the vault, then the layer kept with the conversation: same state, and what it had not sent goes first', async () => {
      const kept = await keptFromAnEarlierPage();
      cipher.start(fakeSession({ keys: undefined }), Promise.resolve(kept));

      await expect(cipher.connected(presenceOf('Alice', 'Bob'))).resolves.toBe('opened');

      expect(chat.sessions.unlockedWith).toEqual([VAULT]);
      expect(chat.e2e.layer.restored).toBe(true);
      expect(cipher.trust()).toEqual([{ name: 'Alice', keysKnown: true, verification: 'verified' }]);
      await drain();
      expect(sentIds()).toEqual(['chain-box-00000000009']);
    });

    it('makes a new identity when the kept layer does not open under the vault, and drops what it had not sent', async () => {
      const kept = await keptFromAnEarlierPage('HyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4');
      cipher.start(fakeSession({ keys: undefined }), Promise.resolve(kept));

      await expect(cipher.connected(presenceOf('Alice', 'Bob'))).resolves.toBe('opened');

      expect(chat.e2e.layer.restored).toBe(false);
      expect(cipher.trust()).toEqual([{ name: 'Alice', keysKnown: true, verification: 'unverified' }]);
      await drain();
      expect(sentIds()).toEqual([]);
    });

    it('fails when the room key does not open, and gives up what waited for the layer', async () => {
      cipher.start(fakeSession({ keys: undefined }));
      const sealing = cipher.seal('own-message-id-0001', { kind: 'text', text: 'lost' });

      await expect(cipher.connected({ ...presenceOf('Alice', 'Bob'), vault: 'not-the-vault' })).resolves.toBe('failed');

      await expect(sealing).rejects.toThrow('the end-to-end layer is not open in this tab');
      await expect(cipher.run(async () => 'ran')).resolves.toBeUndefined();
      expect(cipher.open()).toBe(false);
    });
  });

  it('keeps, in one snapshot, the layer state and what was read with it, and its boxes until acknowledged', async () => {
    cipher.start(fakeSession());
    await expect(cipher.snapshot(() => 'before any presence')).resolves.toEqual({ value: 'before any presence' });
    await cipher.connected(presenceOf('Alice', 'Bob'));
    chat.e2e.layer.due = [layerBox('chain', 'chain-box-00000000001')];
    await cipher.run(async () => undefined);

    const taken = await cipher.snapshot(() => 'read with it');
    expect(taken.value).toBe('read with it');
    expect(new TextDecoder().decode(taken.layer?.state)).toContain('"vault"');
    expect(taken.layer?.unsent.map((box) => box.id)).toEqual(['chain-box-00000000001']);

    acknowledgeAll();
    await drain();
    expect((await cipher.snapshot(() => undefined)).layer?.unsent).toEqual([]);
  });

  it('shows the safety number with a member and marks it verified', async () => {
    cipher.start(fakeSession());
    await cipher.connected(presenceOf('Alice', 'Bob'));

    await expect(cipher.safetyNumber('Alice')).resolves.toEqual(SAFETY_NUMBER);
    await expect(cipher.safetyNumber('Nobody')).resolves.toBeUndefined();
    await cipher.markVerified('Alice');

    expect(cipher.trust()).toEqual([{ name: 'Alice', keysKnown: true, verification: 'verified' }]);
  });

  it('wipes the layer on leaving and uses it no more', async () => {
    cipher.start(fakeSession());
    await cipher.connected(presenceOf('Alice', 'Bob'));

    await cipher.wipe();

    expect(chat.e2e.layer.calls).toEqual(['sync Alice,Bob', 'wipe']);
    await expect(cipher.run(async () => 'ran')).resolves.toBeUndefined();
  });
});
