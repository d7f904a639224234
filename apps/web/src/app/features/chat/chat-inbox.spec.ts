import { TestBed } from '@angular/core/testing';
import { ID_MEMORY_COUNT } from '@ciphernest/protocol';

import type { ReceivedMessage } from '../../core/realtime/server-event-streams';
import { ChatCipher } from './chat-cipher';
import { ChatInbox } from './chat-inbox';
import { ChatLog, MAX_ENTRIES, SHOWN_IDS_KEPT } from './chat-log';
import { ChatOutbox } from './chat-outbox';
import { ChatReceipts } from './chat-receipts';
import { ChatTyping } from './chat-typing';
import { UnreadCounter } from './unread-counter';
import { fakeBox, fakeSession, relayedText } from './testing/chat-fakes';
import { type ChatDoubles, configureChat, drain, linesIn, messagesIn, restoreChatGlobals, settle } from './testing/chat-test-bed';

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
    TestBed.inject(ChatCipher).start(fakeSession());
    inbox = TestBed.inject(ChatInbox);
    log = TestBed.inject(ChatLog);
  });

  afterEach(() => restoreChatGlobals());

  const messages = () => messagesIn(log.entries());
  const lines = () => linesIn(log.entries());
  const relay = (from: string, id: string, text: string, sealedAs = {}) => inbox.receive(relayedText(from, id, text, sealedAs));

  it('opens a message under the sender and id the server reported', async () => {
    relay('Alice', 'alice-message-0001', 'Hi Bob');
    await settle();

    expect(chat.crypto.opened).toEqual([{ roomKey: 'blue room', from: 'Alice', id: 'alice-message-0001' }]);
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

    it('counts a repeat and a message of an unknown kind as received, and one that did not open only as seen', async () => {
      const receipts = TestBed.inject(ChatReceipts);
      receipts.start({ seen: 0, opened: 0, receipted: 0 });
      inbox.receive(relayedText('Alice', 'alice-message-0001', 'one', {}, 1));
      inbox.receive(relayedText('Alice', 'alice-message-0001', 'one', {}, 2));
      inbox.receive({ ...laterKind('later-kind-000001'), seq: 3 });
      inbox.receive(relayedText('Alice', 'alice-message-0004', 'forged', { from: 'Mallory' }, 4));
      await settle();

      expect(receipts.point()).toEqual({ seen: 4, opened: 3, receipted: 0 });
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
