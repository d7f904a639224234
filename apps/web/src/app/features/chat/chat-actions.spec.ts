import { TestBed } from '@angular/core/testing';

import { ApiProblem } from '../../core/api/api-problem';
import { ChatInbox } from './chat-inbox';
import type { ChatStore } from './chat-store';
import { relayedBody, relayedText } from './testing/fake-e2e-layer';
import { type ChatDoubles, configureChat, drain, endChatSpec, linesOf, messagesOf, startChatStore } from './testing/chat-test-bed';

const THUMBS = '\u{1F44D}';
const PARTY = '\u{1F389}';
const ALICE_MESSAGE = 'alice-message-0001';

// docs/protocol.md §3, "Message actions", through ChatStore and ChatInbox with the chat's real
// parts (the end-to-end layer and the connection are doubles; the real layer is libs/crypto's).
describe('Message actions (ChatStore, ChatInbox, ChatActions)', () => {
  let chat: ChatDoubles;
  let store: ChatStore;
  let inbox: ChatInbox;
  let seq = 10;

  beforeEach(async () => {
    chat = configureChat();
    store = startChatStore();
    inbox = TestBed.inject(ChatInbox);
    await drain();
    inbox.receive(relayedText('Alice', ALICE_MESSAGE, 'Hi Bob, lunch?', {}, 1));
    await drain();
  });

  afterEach(endChatSpec);

  const relay = async (from: string, id: string, body: Parameters<typeof relayedBody>[2]) => {
    inbox.receive(relayedBody(from, id, body, {}, ++seq));
    await drain();
  };
  const line = (id: string) => messagesOf(store).find((entry) => entry.id === id);
  const sealed = () => chat.e2e.layer.sealed.map((item) => item.content);
  /** Acknowledges the last box sent, as the server would. */
  const ack = async () => {
    chat.connection.sends.at(-1)?.resolve({ seq: ++seq, ts: seq * 1_000 });
    await drain();
  };
  /** Sends a text of ours and has it acknowledged; answers its id. */
  const sendOwn = async (text: string) => {
    store.sendText(text);
    await drain();
    await ack();
    return messagesOf(store).at(-1)?.id ?? '';
  };

  describe('reply', () => {
    it('shows what the reply quotes while it is written, sends it as a reply to that id, and then stops replying', async () => {
      store.replyTo(ALICE_MESSAGE);
      expect(store.replyingTo()).toEqual({ id: ALICE_MESSAGE, from: 'Alice', excerpt: 'Hi Bob, lunch?' });

      store.sendText('Yes, at noon');
      await drain();

      expect(sealed()).toEqual([{ kind: 'reply', text: 'Yes, at noon', to: ALICE_MESSAGE }]);
      expect(messagesOf(store).at(-1)).toEqual(expect.objectContaining({ own: true, replyTo: ALICE_MESSAGE, content: { kind: 'text', text: 'Yes, at noon' } }));
      expect(store.replyingTo()).toBeUndefined();
      store.sendText('and a plain one');
      await drain();
      expect(sealed()[1]).toEqual({ kind: 'text', text: 'and a plain one' });
    });

    it('sends a plain text once the reply is cancelled', async () => {
      store.replyTo(ALICE_MESSAGE);
      store.replyTo(undefined);
      store.sendText('never mind');
      await drain();

      expect(sealed()).toEqual([{ kind: 'text', text: 'never mind' }]);
    });

    it('shows a reply from another member with the id it quotes, even one this tab does not have', async () => {
      await relay('Carol', 'carol-reply-00001', { kind: 'reply', text: 'me too', to: ALICE_MESSAGE });
      await relay('Carol', 'carol-reply-00002', { kind: 'reply', text: 'about what?', to: 'never-seen-message-id' });

      expect(line('carol-reply-00001')).toEqual(expect.objectContaining({ from: 'Carol', replyTo: ALICE_MESSAGE, content: { kind: 'text', text: 'me too' } }));
      expect(line('carol-reply-00002')?.replyTo).toBe('never-seen-message-id');
    });

    it('stops replying when the quoted message is deleted meanwhile', async () => {
      store.replyTo(ALICE_MESSAGE);
      await relay('Alice', 'alice-delete-0001', { kind: 'delete', to: ALICE_MESSAGE });

      expect(store.replyingTo()).toBeUndefined();
      store.sendText('oh');
      await drain();
      expect(sealed()).toEqual([{ kind: 'text', text: 'oh' }]);
    });
  });

  describe('reactions', () => {
    it('counts each emoji with who reacted, in the order of the set, and toggles ours once the server has it', async () => {
      await relay('Carol', 'carol-reaction-01', { kind: 'reaction', to: ALICE_MESSAGE, emoji: PARTY, on: true });
      await relay('Alice', 'alice-reaction-01', { kind: 'reaction', to: ALICE_MESSAGE, emoji: THUMBS, on: true });

      const reacting = store.react(ALICE_MESSAGE, THUMBS);
      await drain();
      expect(sealed()).toEqual([{ kind: 'reaction', to: ALICE_MESSAGE, emoji: THUMBS, on: true }]);
      expect(line(ALICE_MESSAGE)?.reactions).toEqual([
        { emoji: THUMBS, names: ['Alice'] },
        { emoji: PARTY, names: ['Carol'] },
      ]);
      await ack();
      await reacting;
      expect(line(ALICE_MESSAGE)?.reactions).toEqual([
        { emoji: THUMBS, names: ['Alice', 'Bob'] },
        { emoji: PARTY, names: ['Carol'] },
      ]);

      const undoing = store.react(ALICE_MESSAGE, THUMBS);
      await drain();
      await ack();
      await undoing;
      expect(sealed()[1]).toEqual({ kind: 'reaction', to: ALICE_MESSAGE, emoji: THUMBS, on: false });
      await relay('Carol', 'carol-reaction-02', { kind: 'reaction', to: ALICE_MESSAGE, emoji: PARTY, on: false });
      expect(line(ALICE_MESSAGE)?.reactions).toEqual([{ emoji: THUMBS, names: ['Alice'] }]);
    });

    it('reads a reaction as a state: a repeat changes nothing, taking back one never given changes nothing', async () => {
      await relay('Carol', 'carol-reaction-01', { kind: 'reaction', to: ALICE_MESSAGE, emoji: THUMBS, on: true });
      await relay('Carol', 'carol-reaction-02', { kind: 'reaction', to: ALICE_MESSAGE, emoji: THUMBS, on: true });
      await relay('Alice', 'alice-reaction-01', { kind: 'reaction', to: ALICE_MESSAGE, emoji: PARTY, on: false });

      expect(line(ALICE_MESSAGE)?.reactions).toEqual([{ emoji: THUMBS, names: ['Carol'] }]);
    });

    it('gives a reaction no line, counts it as read, drops a repeat of its id, and ignores one for a message it does not have', async () => {
      await relay('Carol', 'carol-reaction-01', { kind: 'reaction', to: 'never-seen-message-id', emoji: THUMBS, on: true });
      await relay('Carol', 'carol-reaction-02', { kind: 'reaction', to: ALICE_MESSAGE, emoji: THUMBS, on: true });
      await relay('Carol', 'carol-reaction-02', { kind: 'reaction', to: ALICE_MESSAGE, emoji: THUMBS, on: false });

      expect(messagesOf(store).map((entry) => entry.id)).toEqual([ALICE_MESSAGE]);
      expect(linesOf(store)).toEqual([]);
      expect(line(ALICE_MESSAGE)?.reactions).toEqual([{ emoji: THUMBS, names: ['Carol'] }]);
      expect(chat.notifications).toBe(0);
    });

    it('changes nothing and says so when our reaction could not be sent', async () => {
      const reacting = store.react(ALICE_MESSAGE, THUMBS);
      await drain();
      chat.connection.sends.at(-1)?.reject(new ApiProblem('RATE_LIMITED', 429, 'slow down'));
      await reacting;

      expect(line(ALICE_MESSAGE)?.reactions).toBeUndefined();
      expect(store.notice()).toEqual({ tone: 'error', text: 'The reaction could not be sent.' });
    });
  });

  describe('delete for everyone', () => {
    it('is honoured only from the message\'s own sender: another member\'s delete changes nothing and shows nothing', async () => {
      await relay('Carol', 'carol-reaction-01', { kind: 'reaction', to: ALICE_MESSAGE, emoji: THUMBS, on: true });
      await relay('Carol', 'carol-delete-0001', { kind: 'delete', to: ALICE_MESSAGE });

      expect(line(ALICE_MESSAGE)?.content).toEqual({ kind: 'text', text: 'Hi Bob, lunch?' });
      expect(linesOf(store)).toEqual([]);

      await relay('Alice', 'alice-delete-0001', { kind: 'delete', to: ALICE_MESSAGE });

      expect(line(ALICE_MESSAGE)).toEqual({ type: 'message', id: ALICE_MESSAGE, from: 'Alice', own: false, delivery: 'received', ts: expect.any(Number), seq: 1, content: { kind: 'deleted' } });
      expect(JSON.stringify(store.entries())).not.toContain('lunch');
    });

    it('ignores a delete of a message it does not have, and a reaction on a deleted one', async () => {
      await relay('Alice', 'alice-delete-0001', { kind: 'delete', to: 'never-seen-message-id' });
      await relay('Alice', 'alice-delete-0002', { kind: 'delete', to: ALICE_MESSAGE });
      await relay('Carol', 'carol-reaction-01', { kind: 'reaction', to: ALICE_MESSAGE, emoji: THUMBS, on: true });

      expect(messagesOf(store).map((entry) => [entry.id, entry.content.kind, entry.reactions])).toEqual([[ALICE_MESSAGE, 'deleted', undefined]]);
    });

    it('deletes our own message for everyone once the server acknowledges the delete, not before', async () => {
      const id = await sendOwn('sent by mistake');
      await relay('Alice', 'alice-reaction-01', { kind: 'reaction', to: id, emoji: THUMBS, on: true });

      const deleting = store.deleteForEveryone(id);
      await drain();
      expect(sealed().at(-1)).toEqual({ kind: 'delete', to: id });
      expect(line(id)?.content).toEqual({ kind: 'text', text: 'sent by mistake' });
      await ack();
      await deleting;

      expect(line(id)?.content).toEqual({ kind: 'deleted' });
      expect(line(id)?.reactions).toBeUndefined();
    });

    it('deletes nothing that is not ours, or not sent yet, and says so when the delete could not be sent', async () => {
      await store.deleteForEveryone(ALICE_MESSAGE);
      store.sendText('still pending');
      await drain();
      const pending = messagesOf(store).at(-1)?.id ?? '';
      await store.deleteForEveryone(pending);
      expect(sealed()).toEqual([{ kind: 'text', text: 'still pending' }]);

      await ack();
      const deleting = store.deleteForEveryone(pending);
      await drain();
      chat.connection.sends.at(-1)?.reject(new ApiProblem('RATE_LIMITED', 429, 'slow down'));
      await deleting;
      expect(line(pending)?.content).toEqual({ kind: 'text', text: 'still pending' });
      expect(store.notice()).toEqual({ tone: 'error', text: 'The message could not be deleted for everyone.' });
    });

    it('keeps a delete that came for a message still held for its keys when the message shows', async () => {
      await relay('Alice', 'alice-message-0002', { kind: 'held', text: 'secret plan' });
      await relay('Alice', 'alice-delete-0002', { kind: 'delete', to: 'alice-message-0002' });
      await relay('Alice', 'alice-chain-00001', { kind: 'chain' });

      expect(line('alice-message-0002')?.content).toEqual({ kind: 'deleted' });
      expect(JSON.stringify(store.entries())).not.toContain('secret plan');
    });
  });

  describe('mentions', () => {
    it('notifies a message that names us (@bob, any case) as a mention while the tab is hidden, and others as plain messages', async () => {
      chat.hidden = true;
      await relay('Alice', 'alice-message-0002', { kind: 'text', text: 'are you there @bob?' });
      await relay('Alice', 'alice-message-0003', { kind: 'reply', text: '@Bob: noon then', to: ALICE_MESSAGE });
      await relay('Alice', 'alice-message-0004', { kind: 'text', text: 'bob@example.org, @Bobby and Bob are not mentions' });

      expect(chat.notifications).toBe(3);
      expect(chat.mentionNotifications).toBe(2);
      expect(store.unread()).toBe(3);
    });
  });
});
