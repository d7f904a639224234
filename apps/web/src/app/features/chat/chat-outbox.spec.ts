import { TestBed } from '@angular/core/testing';

import { ApiProblem } from '../../core/api/api-problem';
import { errorText } from '../../core/errors/error-text';
import { ChatCipher } from './chat-cipher';
import { ChatLog, MAX_ENTRIES } from './chat-log';
import { CARRIED_OVER_TEXT, ChatOutbox } from './chat-outbox';
import { ChatReceipts } from './chat-receipts';
import { fakeSession } from './testing/chat-fakes';
import { type ChatDoubles, configureChat, drain, messagesIn, openChatCipher, restoreChatGlobals } from './testing/chat-test-bed';

describe('ChatOutbox', () => {
  let chat: ChatDoubles;
  let outbox: ChatOutbox;
  let log: ChatLog;

  beforeEach(() => {
    chat = configureChat();
    openChatCipher();
    outbox = TestBed.inject(ChatOutbox);
    log = TestBed.inject(ChatLog);
  });

  afterEach(() => restoreChatGlobals());

  const messages = () => messagesIn(log.entries());

  it('shows an own message as pending at once, then sent with the server seq and time', async () => {
    outbox.sendText('Bob', 'Hello there');

    expect(messages()).toEqual([
      expect.objectContaining({ id: 'own-message-id-0001', from: 'Bob', own: true, delivery: 'pending', content: { kind: 'text', text: 'Hello there' } }),
    ]);
    await drain();
    expect(chat.e2e.layer.sealed).toEqual([{ ctx: { roomKey: 'blue room', from: 'Bob', id: 'own-message-id-0001' }, content: { kind: 'text', text: 'Hello there' } }]);
    expect(chat.connection.sends.map((send) => send.id)).toEqual(['own-message-id-0001']);

    chat.connection.sends[0].resolve({ seq: 7, ts: 1_767_225_600_000 });
    await drain();

    expect(messages()[0]).toEqual(expect.objectContaining({ delivery: 'sent', seq: 7, ts: 1_767_225_600_000, reach: { delivered: [], waiting: [] } }));
  });

  it('marks a refused message failed with its sentence, and retries it with the same id and box', async () => {
    outbox.sendText('Bob', 'Hello there');
    await drain();
    const first = chat.connection.sends[0];

    first.reject(new ApiProblem('RATE_LIMITED', 429, 'slow down'));
    await drain();
    expect(messages()[0]).toEqual(expect.objectContaining({ delivery: 'failed', error: errorText('RATE_LIMITED') }));

    outbox.retry(first.id);
    expect(messages()[0].delivery).toBe('pending');
    await drain();

    expect(chat.connection.sends).toHaveLength(2);
    expect(chat.connection.sends[1].id).toBe(first.id);
    expect(chat.connection.sends[1].box).toBe(first.box);
    expect(chat.e2e.layer.sealed).toHaveLength(1);
    chat.connection.sends[1].resolve({ seq: 8, ts: 5 });
    await drain();
    expect(messages()[0]).toEqual(expect.objectContaining({ delivery: 'sent', ts: 5, error: undefined }));
  });

  it('shows an image from its own bytes and seals it under our name', async () => {
    const delivery = outbox.sendImage('Bob', { mime: 'image/png', bytes: new Uint8Array([7, 8]), width: 2, height: 1 });
    await drain();

    expect(delivery).toBeInstanceOf(Promise);
    expect(messages()[0].content).toEqual({ kind: 'image', url: 'blob:test/1', mime: 'image/png', width: 2, height: 1 });
    expect(chat.e2e.layer.sealed).toEqual([{ ctx: { roomKey: 'blue room', from: 'Bob', id: 'own-message-id-0001' }, content: { kind: 'image', mime: 'image/png', bytes: new Uint8Array([7, 8]), width: 2, height: 1 } }]);
    chat.connection.sends[0].resolve({ seq: 1, ts: 2 });
    await delivery;
    expect(messages()[0].delivery).toBe('sent');
  });

  it('shows a file as a card at once, its bytes as application/octet-stream, and seals it under our name', async () => {
    const bytes = new TextEncoder().encode('%PDF-1.4');
    const delivery = outbox.sendFile('Bob', { mime: 'application/pdf', name: 'notes.pdf', bytes });
    await drain();

    const content = messages()[0].content;
    expect(content).toEqual({ kind: 'file', name: 'notes.pdf', mime: 'application/pdf', size: 8, blob: expect.any(Blob) });
    expect(content.kind === 'file' && content.blob.type).toBe('application/octet-stream');
    expect(chat.createdUrls).toEqual([]);
    expect(chat.e2e.layer.sealed).toEqual([{ ctx: { roomKey: 'blue room', from: 'Bob', id: 'own-message-id-0001' }, content: { kind: 'file', mime: 'application/pdf', name: 'notes.pdf', bytes } }]);
    chat.connection.sends[0].resolve({ seq: 1, ts: 2 });
    await delivery;
    expect(messages()[0].delivery).toBe('sent');
  });

  it('fails a message, without sending it, when the keys never come', async () => {
    TestBed.resetTestingModule();
    chat = configureChat();
    const cipher = TestBed.inject(ChatCipher);
    cipher.start(fakeSession({ keys: undefined }));
    outbox = TestBed.inject(ChatOutbox);
    log = TestBed.inject(ChatLog);
    outbox.sendText('Bob', 'never sealed');

    cipher.abandon();
    await drain();

    expect(messages()[0]).toEqual(expect.objectContaining({ delivery: 'failed', error: 'The message could not be sent.' }));
    expect(chat.connection.sends).toEqual([]);
  });

  it('forgets a failed message once its line has left the list: it can no longer be retried', async () => {
    outbox.sendText('Bob', 'Hello there');
    await drain();
    const first = chat.connection.sends[0];
    first.reject(new ApiProblem('RATE_LIMITED', 429, 'slow down'));
    await drain();

    for (let i = 0; i < MAX_ENTRIES; i++) log.addSystem('Carol is away', i);
    outbox.retry(first.id);
    await drain();

    expect(chat.connection.sends).toHaveLength(1);
  });

  it('moves the resume point on to the seq of an acknowledged message', async () => {
    const receipts = TestBed.inject(ChatReceipts);
    receipts.start({ seen: 3, opened: 3, receipted: 0 });
    outbox.sendText('Bob', 'Hello there');
    await drain();

    chat.connection.sends[0].resolve({ seq: 9, ts: 1 });
    await drain();

    expect(receipts.resumePoint()).toBe(9);
  });

  it('keeps what each unacknowledged message says, pending or failed, and lets go of it once acknowledged', async () => {
    outbox.sendText('Bob', 'first');
    outbox.sendText('Bob', 'second');
    await drain();
    chat.connection.sends[0].reject(new ApiProblem('SESSION_NOT_FOUND', 401, 'gone'));
    await drain();

    expect(outbox.unsent()).toEqual([
      { id: 'own-message-id-0001', content: { kind: 'text', text: 'first' } },
      { id: 'own-message-id-0002', content: { kind: 'text', text: 'second' } },
    ]);
    chat.connection.sends[1].resolve({ seq: 1, ts: 1 });
    await drain();
    expect(outbox.unsent().map((message) => message.id)).toEqual(['own-message-id-0001']);
  });

  it('offers messages a previous session could not send, as not sent, to send again (sealed anew, same id) or copy', async () => {
    outbox.offer('Bob', [
      { id: 'carried-message-0000001', content: { kind: 'text', text: 'written offline' } },
      { id: 'carried-message-0000002', content: { kind: 'image', image: { mime: 'image/png', bytes: new Uint8Array([1]), width: 1, height: 1 } } },
      { id: 'carried-message-0000003', content: { kind: 'file', file: { mime: 'application/zip', name: 'a.zip', bytes: new Uint8Array([2, 3]) } } },
    ]);

    expect(messages()).toEqual([
      expect.objectContaining({ id: 'carried-message-0000001', own: true, delivery: 'failed', error: CARRIED_OVER_TEXT, content: { kind: 'text', text: 'written offline' } }),
      expect.objectContaining({ id: 'carried-message-0000002', own: true, delivery: 'failed', content: expect.objectContaining({ kind: 'image', url: 'blob:test/1' }) }),
      expect.objectContaining({ id: 'carried-message-0000003', own: true, delivery: 'failed', content: expect.objectContaining({ kind: 'file', name: 'a.zip', size: 2 }) }),
    ]);
    expect(chat.connection.sends).toEqual([]);

    outbox.retry('carried-message-0000001');
    await drain();
    expect(chat.e2e.layer.sealed).toEqual([{ ctx: { roomKey: 'blue room', from: 'Bob', id: 'carried-message-0000001' }, content: { kind: 'text', text: 'written offline' } }]);
    expect(chat.connection.sends.map((send) => send.id)).toEqual(['carried-message-0000001']);
  });

  it('sends again at once, with their ids, our messages that were pending before a reload', async () => {
    const entry = { type: 'message' as const, id: 'pending-message-000001', from: 'Bob', own: true, delivery: 'pending' as const, content: { kind: 'text' as const, text: 'typed before the reload' } };
    log.append(entry);

    outbox.resume('Bob', [{ entry, content: { kind: 'text', text: 'typed before the reload' } }]);
    await drain();

    expect(chat.connection.sends.map((send) => send.id)).toEqual(['pending-message-000001']);
    chat.connection.sends[0].resolve({ seq: 2, ts: 3 });
    await drain();
    expect(messages()[0]).toEqual(expect.objectContaining({ delivery: 'sent', seq: 2 }));
  });
});
