import { TestBed } from '@angular/core/testing';
import { MessageRejectedError } from '@ciphernest/crypto';
import { ID_MEMORY_COUNT } from '@ciphernest/protocol';

import type { ReceivedMessage } from '../../core/realtime/server-event-streams';
import { ChatInbox, EXPIRE_INTERVAL_MS, forgeryText, keyChangedText } from './chat-inbox';
import { ChatLog, MAX_ENTRIES, SHOWN_IDS_KEPT } from './chat-log';
import { ChatOutbox } from './chat-outbox';
import { ChatReceipts } from './chat-receipts';
import { ChatTyping } from './chat-typing';
import { UnreadCounter } from './unread-counter';
import { type FakeBody, fakeBox, relayedBody, relayedText } from './testing/fake-e2e-layer';
import { type ChatDoubles, configureChat, drain, linesIn, messagesIn, openChatCipher, restoreChatGlobals, settle } from './testing/chat-test-bed';

const idOf = (n: number) => `message-id-${String(n).padStart(12, '0')}`;

function laterKind(id: string): ReceivedMessage {
  return { id, from: 'Alice', ts: 1, seq: 1, box: fakeBox({ roomKey: 'blue room', from: 'Alice', id }, { kind: 'later-kind' }) };
}

describe('ChatInbox', () => {
  let chat: ChatDoubles;
  let inbox: ChatInbox;
  let log: ChatLog;

  beforeEach(() => {
    chat = configureChat();
    openChatCipher('Alice', 'Bob', 'Carol');
    inbox = TestBed.inject(ChatInbox);
    log = TestBed.inject(ChatLog);
  });

  afterEach(() => restoreChatGlobals());

  const messages = () => messagesIn(log.entries());
  const lines = () => linesIn(log.entries());
  const relay = (from: string, id: string, text: string, sealedAs = {}) => inbox.receive(relayedText(from, id, text, sealedAs));
  const relayBody = (from: string, id: string, body: FakeBody, seq = 1) => inbox.receive(relayedBody(from, id, body, {}, seq));
  const texts = () => messages().map((m) => (m.content.kind === 'text' ? m.content.text : m.content.kind));

  it('opens a message under the sender and id the server reported', async () => {
    relay('Alice', 'alice-message-0001', 'Hi Bob');
    await settle();

    expect(chat.e2e.layer.opened).toEqual([{ roomKey: 'blue room', from: 'Alice', id: 'alice-message-0001' }]);
    expect(messages()).toEqual([
      expect.objectContaining({ id: 'alice-message-0001', from: 'Alice', own: false, delivery: 'received', content: { kind: 'text', text: 'Hi Bob' } }),
    ]);
  });

  it('shows a repeated id once', async () => {
    relay('Alice', 'alice-message-0001', 'Hi Bob');
    relay('Alice', 'alice-message-0001', 'Hi Bob');
    await settle();
    relay('Alice', 'alice-message-0001', 'Hi Bob');
    await settle();

    expect(messages()).toHaveLength(1);
  });

  it('drops messages that do not open, with a single notice that counts them', async () => {
    relay('Mallory', 'relabelled-0000001', 'forged', { from: 'Alice' });
    await settle();
    expect(messages()).toEqual([]);
    expect(lines()).toEqual(['A message could not be decrypted and was hidden.']);

    inbox.receive({ id: 'garbage-00000001', from: 'Alice', ts: 1, seq: 2, box: new Uint8Array([1, 2, 3]) });
    await settle();

    expect(messages()).toEqual([]);
    expect(lines()).toEqual(['2 messages could not be decrypted and were hidden.']);
  });

  it('drops a message of a kind it does not know silently: no notice, nothing shown', async () => {
    inbox.receive(laterKind('later-kind-000001'));
    relay('Alice', 'alice-message-0001', 'Hi Bob');
    await settle();

    expect(messages()).toHaveLength(1);
    expect(lines()).toEqual([]);
  });

  it('shows nothing for the layer\'s own boxes ("keys", "chain") and drops a repeat of them before the layer', async () => {
    relayBody('Alice', 'alice-keys-00000001', { kind: 'keys', change: 'new' });
    relayBody('Alice', 'alice-chain-0000001', { kind: 'chain' });
    relayBody('Alice', 'alice-keys-00000001', { kind: 'keys', change: 'new' });
    await settle();

    expect(log.entries()).toEqual([]);
    expect(chat.e2e.layer.opened.map((ctx) => ctx.id)).toEqual(['alice-keys-00000001', 'alice-chain-0000001']);
  });

  it('says to everyone when a member\'s key changed, and nothing when keys are new or the same', async () => {
    relayBody('Alice', 'alice-keys-00000001', { kind: 'keys', change: 'new' });
    relayBody('Alice', 'alice-keys-00000002', { kind: 'keys', change: 'same' });
    relayBody('Alice', 'alice-keys-00000003', { kind: 'keys', change: 'changed' });
    await settle();

    expect(lines()).toEqual([keyChangedText('Alice')]);
    expect(keyChangedText('Alice')).toBe("Alice's key changed");
  });

  it('shows a placeholder for a message held until its keys come, then the message in its place', async () => {
    relayBody('Alice', 'alice-message-0001', { kind: 'held', text: 'early' }, 1);
    relay('Carol', 'carol-message-0001', 'in between');
    await settle();
    expect(texts()).toEqual(['held', 'in between']);

    relayBody('Alice', 'alice-chain-0000001', { kind: 'chain' }, 3);
    await settle();

    expect(texts()).toEqual(['early', 'in between']);
    expect(messages()[0]).toEqual(expect.objectContaining({ id: 'alice-message-0001', from: 'Alice', seq: 1 }));
  });

  it('takes away the placeholder of a held message that never opened, and counts it as not decrypted', async () => {
    jest.useFakeTimers();
    TestBed.resetTestingModule();
    chat = configureChat();
    openChatCipher('Alice', 'Bob');
    inbox = TestBed.inject(ChatInbox);
    log = TestBed.inject(ChatLog);
    relayBody('Alice', 'alice-message-0001', { kind: 'held', text: 'never' });
    await jest.advanceTimersByTimeAsync(0);
    expect(texts()).toEqual(['held']);

    chat.e2e.layer.expiring = [{ type: 'rejected', id: 'alice-message-0001', from: 'Alice', error: new MessageRejectedError('held too long') }];
    await jest.advanceTimersByTimeAsync(EXPIRE_INTERVAL_MS);

    expect(messages()).toEqual([]);
    expect(lines()).toEqual(['A message could not be decrypted and was hidden.']);
    jest.useRealTimers();
  });

  it('says so when a message claiming to be from a member fails its signature check, and drops a replay without a word', async () => {
    relayBody('Alice', 'forged-message-0001', { kind: 'forged' });
    relayBody('Alice', 'replayed-message-01', { kind: 'replayed' });
    await settle();

    expect(messages()).toEqual([]);
    expect(lines()).toEqual([forgeryText('Alice')]);
    expect(forgeryText('Alice')).toBe('A message claiming to be from Alice failed its signature check and was not shown.');
  });

  it('still shows a genuine message whose id a forged one used first', async () => {
    relay('Alice', 'alice-message-0001', 'forged', { roomKey: 'other room' });
    relay('Alice', 'alice-message-0001', 'genuine');
    await settle();

    expect(messages().map((m) => m.content)).toEqual([{ kind: 'text', text: 'genuine' }]);
  });

  it('drops an incoming message that reuses the id of one of ours', async () => {
    TestBed.inject(ChatOutbox).sendText('Bob', 'mine');
    relay('Alice', 'own-message-id-0001', 'echo');
    await settle();

    expect(messages().map((m) => m.from)).toEqual(['Bob']);
  });

  it('keeps the order messages arrived in', async () => {
    relay('Alice', 'alice-message-0001', 'one');
    relay('Carol', 'carol-message-0001', 'two');
    relay('Alice', 'alice-message-0002', 'three');
    await settle();

    expect(messages().map((m) => (m.content.kind === 'text' ? m.content.text : ''))).toEqual(['one', 'two', 'three']);
  });

  it('shows received images through an object URL and releases it when the chat goes away', async () => {
    const ctx = { roomKey: 'blue room', from: 'Alice', id: 'alice-picture-0001' };
    inbox.receive({ id: ctx.id, from: 'Alice', ts: 1, seq: 1, box: fakeBox(ctx, { kind: 'image', mime: 'image/png', bytes: [1, 2], width: 2, height: 1 }) });
    await settle();

    expect(messages()[0].content).toEqual({ kind: 'image', url: 'blob:test/1', mime: 'image/png', width: 2, height: 1 });
    TestBed.resetTestingModule();
    expect(chat.revokedUrls).toEqual(['blob:test/1']);
  });

  it('goes on with the next message when one cannot be shown', async () => {
    Object.defineProperty(URL, 'createObjectURL', {
      configurable: true,
      value: () => {
        throw new Error('no object URLs here');
      },
    });
    const ctx = { roomKey: 'blue room', from: 'Alice', id: 'alice-picture-0001' };
    inbox.receive({ id: ctx.id, from: 'Alice', ts: 1, seq: 1, box: fakeBox(ctx, { kind: 'image', mime: 'image/png', bytes: [1] }) });
    relay('Alice', 'alice-message-0001', 'after the picture');
    await settle();

    expect(messages().map((m) => m.content)).toEqual([{ kind: 'text', text: 'after the picture' }]);
  });

  it('ends the typing of whoever sent a message, and counts it unread while the tab is hidden', async () => {
    const typing = TestBed.inject(ChatTyping);
    typing.follow({ name: 'Alice', active: true });
    typing.follow({ name: 'Carol', active: true });
    chat.hidden = true;

    relay('Alice', 'alice-message-0001', 'done');
    await settle();

    expect(typing.others()).toEqual(['Carol']);
    expect(TestBed.inject(UnreadCounter).count()).toBe(1);
    typing.clear();
  });

  describe('how far it has got (docs/protocol.md §5.1, §5.2)', () => {
    it('keeps each shown message\'s seq, and moves the resume point and the receipt on', async () => {
      const receipts = TestBed.inject(ChatReceipts);
      receipts.start({ seen: 0, opened: 0, receipted: 0 });
      inbox.receive(relayedText('Alice', 'alice-message-0001', 'one', {}, 4));
      await settle();

      expect(messages()[0].seq).toBe(4);
      expect(receipts.point()).toEqual({ seen: 4, opened: 4, receipted: 0 });
    });

    it('counts a repeat, a layer box and a message of an unknown kind as received, and one that did not open only as seen', async () => {
      const receipts = TestBed.inject(ChatReceipts);
      receipts.start({ seen: 0, opened: 0, receipted: 0 });
      inbox.receive(relayedText('Alice', 'alice-message-0001', 'one', {}, 1));
      inbox.receive(relayedText('Alice', 'alice-message-0001', 'one', {}, 2));
      inbox.receive({ ...laterKind('later-kind-000001'), seq: 3 });
      relayBody('Alice', 'alice-chain-0000001', { kind: 'chain' }, 4);
      inbox.receive(relayedText('Alice', 'alice-message-0005', 'forged', { from: 'Mallory' }, 5));
      await drain();

      expect(receipts.point()).toEqual({ seen: 5, opened: 4, receipted: 0 });
    });

    it('resumes from below a held message until it shows, and counts it as received then', async () => {
      const receipts = TestBed.inject(ChatReceipts);
      receipts.start({ seen: 0, opened: 0, receipted: 0 });
      relayBody('Alice', 'alice-message-0001', { kind: 'held', text: 'early' }, 1);
      relayBody('Carol', 'carol-keys-00000001', { kind: 'keys', change: 'new' }, 2);
      await settle();
      expect(receipts.point()).toEqual({ seen: 0, opened: 2, receipted: 0 });

      // Replayed on a reconnect: the layer holds it already.
      relayBody('Alice', 'alice-message-0001', { kind: 'held', text: 'early' }, 1);
      relayBody('Alice', 'alice-chain-0000001', { kind: 'chain' }, 3);
      await drain();

      expect(receipts.point()).toEqual({ seen: 3, opened: 3, receipted: 0 });
      expect(chat.e2e.layer.opened.map((ctx) => ctx.id)).toEqual(['alice-message-0001', 'carol-keys-00000001', 'alice-chain-0000001']);
      expect(texts()).toEqual(['early']);
    });
  });

  describe('the ids it has shown (a repeat is dropped)', () => {
    it('drops a repeat whose first copy is still in the list, however many ids came since', async () => {
      relay('Alice', idOf(0), 'first');
      for (let i = 0; i <= SHOWN_IDS_KEPT; i++) inbox.receive(laterKind(idOf(1_000_000 + i)));
      relay('Alice', idOf(0), 'first');
      await drain();

      expect(messages().map((m) => m.id)).toEqual([idOf(0)]);
    });

    it(`drops a repeat whose line has left the list while its id is among the last ${SHOWN_IDS_KEPT}`, async () => {
      for (let n = 0; n <= MAX_ENTRIES; n++) relay('Alice', idOf(n), `line ${n}`);
      await drain();
      expect(messages()[0].id).toBe(idOf(1));

      relay('Alice', idOf(0), 'line 0');
      await drain();

      expect(messages().map((m) => m.id)).not.toContain(idOf(0));
    });

    it(`forgets an id once its line has left the list and ${SHOWN_IDS_KEPT} newer ones came`, async () => {
      for (let n = 0; n <= SHOWN_IDS_KEPT; n++) relay('Alice', idOf(n), `line ${n}`);
      await drain();

      relay('Alice', idOf(0), 'line 0');
      await drain();

      expect(messages().at(-1)?.id).toBe(idOf(0));
      expect(SHOWN_IDS_KEPT).toBeGreaterThan(ID_MEMORY_COUNT);
    });
  });
});
