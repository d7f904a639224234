import { TestBed } from '@angular/core/testing';

import { ChatLog, MAX_ENTRIES, SHOWN_IDS_KEPT } from './chat-log';
import { type ChatDoubles, configureChat, linesIn, messagesIn, restoreChatGlobals } from './testing/chat-test-bed';

const idOf = (n: number) => `message-id-${String(n).padStart(12, '0')}`;

describe('ChatLog', () => {
  let chat: ChatDoubles;
  let log: ChatLog;

  beforeEach(() => {
    chat = configureChat();
    log = TestBed.inject(ChatLog);
  });

  afterEach(() => restoreChatGlobals());

  const appendText = (id: string) =>
    log.append({ type: 'message', id, from: 'Alice', own: false, delivery: 'received', ts: 1, content: { kind: 'text', text: id } });

  it(`keeps at most ${MAX_ENTRIES} lines, releases the images of those that leave and names them`, () => {
    const removed: string[] = [];
    log.removed$.subscribe((id) => removed.push(id));
    const url = log.imageUrl('alice-picture-0001', new Uint8Array([1]), 'image/png');
    log.append({ type: 'message', id: 'alice-picture-0001', from: 'Alice', own: false, delivery: 'received', ts: 1, content: { kind: 'image', url, mime: 'image/png' } });

    for (let i = 0; i < MAX_ENTRIES; i++) log.addSystem('Carol is away', i);

    expect(log.entries()).toHaveLength(MAX_ENTRIES);
    expect(messagesIn(log.entries())).toEqual([]);
    expect(chat.revokedUrls).toEqual(['blob:test/1']);
    expect(removed).toEqual(['alice-picture-0001']);
  });

  it('changes where one of our messages stands, and nothing else', () => {
    log.append({ type: 'message', id: 'own-message-id-0001', from: 'Bob', own: true, delivery: 'pending', content: { kind: 'text', text: 'hi' } });
    log.addSystem('Carol joined', 1);

    log.update('own-message-id-0001', { delivery: 'delivered', ts: 9 });

    expect(messagesIn(log.entries())[0]).toEqual(expect.objectContaining({ delivery: 'delivered', ts: 9 }));
    expect(linesIn(log.entries())).toEqual(['Carol joined']);
  });

  it('counts messages that did not open in one line, and starts a new one once it has left the list', () => {
    log.countUndecryptable();
    log.countUndecryptable();
    expect(linesIn(log.entries())).toEqual(['2 messages could not be decrypted and were hidden.']);

    for (let i = 0; i < MAX_ENTRIES; i++) appendText(idOf(i));
    log.countUndecryptable();

    expect(linesIn(log.entries())).toEqual(['3 messages could not be decrypted and were hidden.']);
  });

  describe('the ids it has shown', () => {
    it('counts every message appended, ours and others, and ids marked without a line', () => {
      appendText(idOf(1));
      log.markShown(idOf(2));

      expect([idOf(1), idOf(2), idOf(3)].map((id) => log.hasShown(id))).toEqual([true, true, false]);
    });

    it('keeps the id of every line in the list, however many ids were marked since', () => {
      appendText(idOf(0));
      for (let n = 1; n <= SHOWN_IDS_KEPT + 1; n++) log.markShown(idOf(n));

      expect(log.hasShown(idOf(0))).toBe(true);
      expect(log.hasShown(idOf(1))).toBe(false);
    });

    it(`remembers the last ${SHOWN_IDS_KEPT} ids whose lines have left the list, and no more`, () => {
      for (let n = 0; n <= SHOWN_IDS_KEPT; n++) appendText(idOf(n));

      expect(log.hasShown(idOf(0))).toBe(false);
      expect(log.hasShown(idOf(1))).toBe(true);
      expect(log.entries()).toHaveLength(MAX_ENTRIES);
    });
  });

  it('puts back lines kept from before a reload ahead of those added since, counting their ids as shown', () => {
    const log = TestBed.inject(ChatLog);
    log.addSystem('Dan joined while you were away', 2);

    log.restore([
      { type: 'message', id: 'alice-message-0001', from: 'Alice', own: false, delivery: 'received', content: { kind: 'text', text: 'before' } },
      { type: 'system', id: 'system-1', text: 'Carol left', at: 1 },
    ]);

    expect(log.entries().map((entry) => (entry.type === 'system' ? entry.text : entry.id))).toEqual(['alice-message-0001', 'Carol left', 'Dan joined while you were away']);
    expect(new Set(log.entries().map((entry) => entry.id)).size).toBe(3);
    expect(log.hasShown('alice-message-0001')).toBe(true);
  });
});
