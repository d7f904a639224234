import { TestBed } from '@angular/core/testing';

import { SEALED_CONVERSATION_STORE } from '../../core/session/browser-sealed-stores';
import { ChatStore } from './chat-store';
import { CONVERSATION_FILE_LABEL, CONVERSATION_IMAGE_LABEL, CONVERSATION_LABEL, KEPT_IMAGE_BUDGET } from './conversation-keeper';
import { decodeSnapshot } from './conversation-snapshot';
import { FakeCryptoService, MemoryConversationStore, ROOM, VAULT, fakeSession } from './testing/chat-fakes';
import { fakeBox, layerBox } from './testing/fake-e2e-layer';
import { type ChatDoubles, configureChat, drain, linesIn, messagesIn, restoreChatGlobals } from './testing/chat-test-bed';

const TAB = 'tab-of-this-spec';
const ALICE = { name: 'Alice', status: 'online' as const, creator: true };
const BOB = { name: 'Bob', status: 'online' as const, creator: false };
const CAROL = { name: 'Carol', status: 'online' as const, creator: false };
const OTHER_VAULT = 'ZZECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';

describe('ConversationKeeper', () => {
  let chat: ChatDoubles;
  let disk: MemoryConversationStore;

  /** A chat in a fresh TestBed (as after a reload), on the same disk. */
  function openChat(budget?: number): ChatStore {
    TestBed.resetTestingModule();
    chat = configureChat();
    TestBed.overrideProvider(SEALED_CONVERSATION_STORE, { useValue: disk });
    if (budget !== undefined) TestBed.overrideProvider(KEPT_IMAGE_BUDGET, { useValue: budget });
    return TestBed.inject(ChatStore);
  }

  /** Lets effects run and every write settle. */
  async function settleAll(): Promise<void> {
    for (let i = 0; i < 5; i++) {
      TestBed.tick();
      await drain();
    }
  }

  async function kept(): Promise<ReturnType<typeof decodeSnapshot>> {
    const record = disk.conversations.get(TAB);
    if (!record) return undefined;
    const crypto = new FakeCryptoService();
    return decodeSnapshot(await crypto.openUnderVault(await crypto.vaultSealKey(VAULT), CONVERSATION_LABEL, record.sealed));
  }

  /** Alice and Bob talk (text both ways and an image from Alice), and Bob's tab keeps it all. */
  async function conversationBeforeReload(): Promise<void> {
    const store = openChat();
    store.start(fakeSession());
    chat.connection.presence$.next({ room: ROOM, members: [ALICE, BOB, CAROL], vault: VAULT });
    chat.connection.relay('Alice', 'alice-message-0001', 'hello Bob', {}, 1);
    await settleAll();
    store.sendText('hello Alice');
    await settleAll();
    chat.connection.sends[0].resolve({ seq: 2, ts: 20 });
    const picture = { roomKey: 'blue room', from: 'Alice', id: 'alice-picture-0001' };
    chat.connection.message$.next({ id: picture.id, from: 'Alice', ts: 30, seq: 3, box: fakeBox(picture, { kind: 'image', mime: 'image/png', bytes: [7, 8, 9], width: 3, height: 1 }) });
    await settleAll();
    chat.connection.member$.next({ type: 'left', name: 'Carol', reason: 'left', at: 40 });
    store.sendText('typed just before the reload');
    await settleAll();
  }

  beforeEach(() => (disk = new MemoryConversationStore()));

  afterEach(() => restoreChatGlobals());

  it('keeps the conversation sealed under the vault, with the seq numbers (and nothing else) in the clear', async () => {
    await conversationBeforeReload();

    const record = disk.conversations.get(TAB);
    expect(record?.session).toBe('digest-of-token-of-bob');
    expect(record?.point).toEqual(expect.objectContaining({ seen: 3, opened: 3 }));
    const snapshot = await kept();
    expect(snapshot?.entries.map((line) => (line.type === 'system' ? line.text : line.content.kind === 'text' ? line.content.text : 'image'))).toEqual([
      'hello Bob',
      'hello Alice',
      'image',
      'Carol left',
      'typed just before the reload',
    ]);
    expect(snapshot?.members.map((member) => member.name)).toEqual(['Alice', 'Bob']);
    expect([...(disk.images.get(TAB)?.keys() ?? [])]).toEqual(['alice-picture-0001']);
    const crypto = new FakeCryptoService();
    await expect(crypto.openUnderVault(await crypto.vaultSealKey(OTHER_VAULT), CONVERSATION_LABEL, record?.sealed ?? new Uint8Array())).rejects.toThrow();
  });

  it('after a reload, resumes from the kept seq and puts the whole conversation back, ahead of what comes next', async () => {
    await conversationBeforeReload();

    const store = openChat();
    store.start(fakeSession({ keys: undefined }));
    await settleAll();
    expect(chat.connection.resumePoint()).toBe(3);
    chat.connection.relay('Alice', 'alice-message-0004', 'sent during the reload', {}, 4);
    await settleAll();
    expect(store.entries()).toEqual([]);

    chat.connection.presence$.next({ room: ROOM, members: [ALICE, BOB, { name: 'Dan', status: 'online', creator: false }], vault: VAULT });
    await settleAll();

    const messages = messagesIn(store.entries());
    expect(messages.map((entry) => entry.id)).toEqual(['alice-message-0001', 'own-message-id-0001', 'alice-picture-0001', 'own-message-id-0002', 'alice-message-0004']);
    expect(messages[1]).toEqual(expect.objectContaining({ own: true, delivery: 'sent', seq: 2, ts: 20 }));
    expect(messages[2].content).toEqual({ kind: 'image', url: 'blob:test/1', mime: 'image/png', width: 3, height: 1 });
    expect(linesIn(store.entries())).toEqual(['Carol left', 'Dan joined while you were away']);
    // Our message that was pending goes again, with its id: the server tells a repeat.
    expect(chat.connection.sends.map((send) => send.id)).toEqual(['own-message-id-0002']);
  });

  it('keeps the end-to-end layer with the lines, and a reload opens it again: same identity, verification kept, its unsent boxes first', async () => {
    const store = openChat();
    store.start(fakeSession());
    chat.connection.presence$.next({ room: ROOM, members: [ALICE, BOB], vault: VAULT });
    await settleAll();
    await store.markVerified('Alice');
    chat.e2e.layer.due = [layerBox('chain', 'chain-box-00000000001')];
    chat.connection.relay('Alice', 'alice-message-0001', 'hello Bob', {}, 1);
    await settleAll();
    expect((await kept())?.layer?.unsent.map((box) => box.id)).toEqual(['chain-box-00000000001']);

    const reloaded = openChat();
    reloaded.start(fakeSession({ keys: undefined }));
    await settleAll();
    chat.connection.presence$.next({ room: ROOM, members: [ALICE, BOB], vault: VAULT });
    await settleAll();

    expect(chat.e2e.layer.restored).toBe(true);
    expect(reloaded.trust()).toEqual([{ name: 'Alice', keysKnown: true, verification: 'verified' }]);
    expect(chat.connection.sends.map((send) => send.id)).toEqual(['chain-box-00000000001']);
    expect(messagesIn(reloaded.entries()).map((entry) => entry.id)).toEqual(['alice-message-0001']);
  });

  it('keeps replies and reactions across a reload, and never brings a deleted message\'s content or image back', async () => {
    const store = openChat();
    store.start(fakeSession());
    chat.connection.presence$.next({ room: ROOM, members: [ALICE, BOB, CAROL], vault: VAULT });
    const relayBody = (from: string, id: string, seq: number, body: Parameters<typeof fakeBox>[1]) =>
      chat.connection.message$.next({ id, from, ts: seq, seq, box: fakeBox({ roomKey: 'blue room', from, id }, body) });
    chat.connection.relay('Alice', 'alice-message-0001', 'the plan is secret', {}, 1);
    relayBody('Alice', 'alice-picture-0001', 2, { kind: 'image', mime: 'image/png', bytes: [7, 8, 9] });
    relayBody('Carol', 'carol-reply-000001', 3, { kind: 'reply', text: 'which plan?', to: 'alice-message-0001' });
    relayBody('Carol', 'carol-reaction-001', 4, { kind: 'reaction', to: 'carol-reply-000001', emoji: '\u{1F44D}', on: true });
    await settleAll();
    expect([...(disk.images.get(TAB)?.keys() ?? [])]).toEqual(['alice-picture-0001']);
    relayBody('Alice', 'alice-delete-00001', 5, { kind: 'delete', to: 'alice-message-0001' });
    relayBody('Alice', 'alice-delete-00002', 6, { kind: 'delete', to: 'alice-picture-0001' });
    await settleAll();

    const record = disk.conversations.get(TAB);
    const crypto = new FakeCryptoService();
    const sealedText = new TextDecoder().decode(await crypto.openUnderVault(await crypto.vaultSealKey(VAULT), CONVERSATION_LABEL, record?.sealed ?? new Uint8Array()));
    expect(sealedText).not.toContain('the plan is secret');
    expect(disk.images.get(TAB)?.size).toBe(0);

    const reloaded = openChat();
    reloaded.start(fakeSession({ keys: undefined }));
    await settleAll();
    chat.connection.presence$.next({ room: ROOM, members: [ALICE, BOB, CAROL], vault: VAULT });
    await settleAll();

    expect(messagesIn(reloaded.entries()).map((entry) => [entry.id, entry.content.kind, entry.replyTo, entry.reactions])).toEqual([
      ['alice-message-0001', 'deleted', undefined, undefined],
      ['alice-picture-0001', 'deleted', undefined, undefined],
      ['carol-reply-000001', 'text', 'alice-message-0001', [{ emoji: '\u{1F44D}', names: ['Carol'] }]],
    ]);
  });

  it('keeps images newest first within the byte budget; older ones come back as not kept', async () => {
    const store = openChat(3);
    store.start(fakeSession());
    chat.connection.presence$.next({ room: ROOM, members: [ALICE, BOB], vault: VAULT });
    for (const [n, bytes] of [[1, [1, 2]], [2, [3, 4]]] as const) {
      const ctx = { roomKey: 'blue room', from: 'Alice', id: `alice-picture-000${n}` };
      chat.connection.message$.next({ id: ctx.id, from: 'Alice', ts: n, seq: n, box: fakeBox(ctx, { kind: 'image', mime: 'image/png', bytes: [...bytes] }) });
    }
    await settleAll();
    expect([...(disk.images.get(TAB)?.keys() ?? [])]).toEqual(['alice-picture-0002']);

    const restored = openChat(3);
    restored.start(fakeSession({ keys: undefined }));
    await settleAll();
    chat.connection.presence$.next({ room: ROOM, members: [ALICE, BOB], vault: VAULT });
    await settleAll();

    expect(messagesIn(restored.entries()).map((entry) => entry.content.kind)).toEqual(['image-not-kept', 'image']);
  });

  it('keeps files and images newest first within one byte budget, a file sealed under its own label; an older file comes back as not kept', async () => {
    const store = openChat(5);
    store.start(fakeSession());
    chat.connection.presence$.next({ room: ROOM, members: [ALICE, BOB], vault: VAULT });
    const sent = [
      { id: 'alice-file-0000001', body: { kind: 'file' as const, mime: 'application/pdf', name: 'old.pdf', bytes: [1, 2, 3] } },
      { id: 'alice-picture-0001', body: { kind: 'image' as const, mime: 'image/png' as const, bytes: [4, 5] } },
      { id: 'alice-file-0000002', body: { kind: 'file' as const, mime: 'text/plain', name: 'new.txt', bytes: [104, 105] } },
    ];
    sent.forEach(({ id, body }, n) => chat.connection.message$.next({ id, from: 'Alice', ts: n, seq: n + 1, box: fakeBox({ roomKey: 'blue room', from: 'Alice', id }, body) }));
    await settleAll();
    const onDisk = disk.images.get(TAB);
    expect([...(onDisk?.keys() ?? [])].sort()).toEqual(['alice-file-0000002', 'alice-picture-0001']);
    const crypto = new FakeCryptoService();
    const sealKey = await crypto.vaultSealKey(VAULT);
    await expect(crypto.openUnderVault(sealKey, CONVERSATION_IMAGE_LABEL, onDisk!.get('alice-file-0000002')!)).rejects.toThrow();
    await expect(crypto.openUnderVault(sealKey, CONVERSATION_FILE_LABEL, onDisk!.get('alice-file-0000002')!)).resolves.toBeDefined();

    const restored = openChat(5);
    restored.start(fakeSession({ keys: undefined }));
    await settleAll();
    chat.connection.presence$.next({ room: ROOM, members: [ALICE, BOB], vault: VAULT });
    await settleAll();

    const [old, picture, latest] = messagesIn(restored.entries()).map((entry) => entry.content);
    expect(old).toEqual({ kind: 'file-not-kept', name: 'old.pdf', mime: 'application/pdf', size: 3 });
    expect(picture.kind).toBe('image');
    expect(latest).toEqual({ kind: 'file', name: 'new.txt', mime: 'text/plain', size: 2, blob: expect.any(Blob) });
    expect(latest.kind === 'file' && new Uint8Array(await latest.blob.arrayBuffer())).toEqual(new Uint8Array([104, 105]));
  });

  it('sends a file of ours that was pending at the reload again, with its id and bytes', async () => {
    const store = openChat();
    store.start(fakeSession());
    chat.connection.presence$.next({ room: ROOM, members: [ALICE, BOB], vault: VAULT });
    await settleAll();
    void store.sendAttachment(new File(['%PDF'], 'draft.pdf', { type: 'application/pdf' }));
    await settleAll();
    expect(chat.connection.sends.map((send) => send.id)).toEqual(['own-message-id-0001']);

    const reloaded = openChat();
    reloaded.start(fakeSession({ keys: undefined }));
    await settleAll();
    chat.connection.presence$.next({ room: ROOM, members: [ALICE, BOB], vault: VAULT });
    await settleAll();

    expect(chat.connection.sends.map((send) => send.id)).toEqual(['own-message-id-0001']);
    expect(chat.e2e.layer.sealed.map((sealed) => sealed.content)).toEqual([{ kind: 'file', mime: 'application/pdf', name: 'draft.pdf', bytes: new TextEncoder().encode('%PDF') }]);
    expect(messagesIn(reloaded.entries())[0]).toEqual(expect.objectContaining({ own: true, delivery: 'pending', content: expect.objectContaining({ kind: 'file', name: 'draft.pdf' }) }));
  });

  it('resumes from nowhere, and brings nothing back, when what is kept belongs to another session', async () => {
    await conversationBeforeReload();

    const store = openChat();
    store.start(fakeSession({ token: 'token-of-a-later-session', keys: undefined }));
    await settleAll();
    chat.connection.presence$.next({ room: ROOM, members: [ALICE, BOB], vault: VAULT });
    await settleAll();

    expect(chat.connection.resumePoint()).toBeUndefined();
    expect(messagesIn(store.entries())).toEqual([]);
    expect(disk.conversations.get(TAB)?.session).toBe('digest-of-token-of-a-later-session');
  });

  it('brings nothing back when the kept conversation does not open under the vault, and lets messages through', async () => {
    await conversationBeforeReload();

    const store = openChat();
    chat.sessions.sealedUnder = { vault: OTHER_VAULT, keys: chat.sessions.sealedUnder?.keys ?? (undefined as never) };
    store.start(fakeSession({ keys: undefined }));
    await settleAll();
    chat.connection.relay('Alice', 'alice-message-0004', 'still shown', {}, 4);
    chat.connection.presence$.next({ room: ROOM, members: [ALICE, BOB], vault: OTHER_VAULT });
    await settleAll();

    expect(messagesIn(store.entries()).map((entry) => entry.id)).toEqual(['alice-message-0004']);
  });

  it('starts a new session with nothing kept, and erases what the tab kept for an earlier one', async () => {
    await conversationBeforeReload();

    const store = openChat();
    store.start(fakeSession({ token: 'token-of-a-new-session' }));
    await settleAll();

    expect(chat.connection.resumePoint()).toBe(0);
    expect(disk.conversations.has(TAB)).toBe(false);
    expect(disk.images.has(TAB)).toBe(false);
  });

  it('erases what it kept when the session ends, and keeps nothing after', async () => {
    await conversationBeforeReload();
    const writes = disk.writes;

    chat.connection.end('SESSION_NOT_FOUND');
    await settleAll();
    chat.connection.relay('Alice', 'alice-message-0009', 'too late', {}, 9);
    await settleAll();

    expect(disk.conversations.has(TAB)).toBe(false);
    expect(disk.writes).toBe(writes);
  });

  it('erases what it kept when we leave', async () => {
    await conversationBeforeReload();

    await TestBed.inject(ChatStore).leave();
    await settleAll();

    expect(disk.conversations.has(TAB)).toBe(false);
  });
});
