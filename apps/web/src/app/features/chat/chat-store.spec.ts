import { TestBed } from '@angular/core/testing';
import { ID_MEMORY_COUNT } from '@ciphernest/protocol';

import { ApiClient } from '../../core/api/api-client';
import { ApiProblem } from '../../core/api/api-problem';
import { CryptoService } from '../../core/crypto/crypto.service';
import { errorText } from '../../core/errors/error-text';
import { ChatConnection } from '../../core/realtime/chat-connection';
import { SessionStore } from '../../core/session/session-store';
import type { MessageEntry, SystemEntry } from './chat-entry';
import { ChatNotifier } from './chat-notifier';
import { ChatStore, MAX_ENTRIES, SHOWN_IDS_KEPT, chatTitle } from './chat-store';
import { ImagePrep, ImagePrepError } from './image-prep';
import {
  FakeApiClient,
  FakeChatConnection,
  FakeCryptoService,
  FakeImagePrep,
  FakeSessionStore,
  KEYS,
  ROOM,
  VAULT,
  fakeBox,
  fakeSession,
} from './testing/chat-fakes';

/** Lets chains of promises (decrypt, encrypt, send) run, with real or fake timers. */
async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) await Promise.resolve();
}

/** Lets every queued promise run, however long the chain (the fakes never wait for a timer). */
const drain = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

const idOf = (n: number) => `message-id-${String(n).padStart(12, '0')}`;

describe('ChatStore', () => {
  let connection: FakeChatConnection;
  let crypto: FakeCryptoService;
  let sessions: FakeSessionStore;
  let api: FakeApiClient;
  let imagePrep: FakeImagePrep;
  let notifications: number;
  let hidden: boolean;
  let createdUrls: string[];
  let revokedUrls: string[];

  beforeEach(() => {
    connection = new FakeChatConnection();
    crypto = new FakeCryptoService();
    sessions = new FakeSessionStore();
    api = new FakeApiClient();
    imagePrep = new FakeImagePrep();
    notifications = 0;
    hidden = false;
    createdUrls = [];
    revokedUrls = [];
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
    Object.defineProperty(URL, 'createObjectURL', {
      configurable: true,
      value: () => {
        const url = `blob:test/${createdUrls.length + 1}`;
        createdUrls.push(url);
        return url;
      },
    });
    Object.defineProperty(URL, 'revokeObjectURL', { configurable: true, value: (url: string) => revokedUrls.push(url) });
    TestBed.configureTestingModule({
      providers: [
        ChatStore,
        { provide: ChatConnection, useValue: connection },
        { provide: CryptoService, useValue: crypto },
        { provide: SessionStore, useValue: sessions },
        { provide: ApiClient, useValue: api },
        { provide: ImagePrep, useValue: imagePrep },
        { provide: ChatNotifier, useValue: { notify: () => notifications++ } },
      ],
    });
  });

  afterEach(() => {
    jest.useRealTimers();
    Reflect.deleteProperty(document, 'hidden');
  });

  function startStore(): ChatStore {
    const store = TestBed.inject(ChatStore);
    store.start(fakeSession());
    return store;
  }

  const messages = (store: ChatStore) => store.entries().filter((entry): entry is MessageEntry => entry.type === 'message');
  const lines = (store: ChatStore) => store.entries().filter((entry): entry is SystemEntry => entry.type === 'system').map((entry) => entry.text);

  describe('starting', () => {
    it('connects with the session token and shows the room and fingerprint', () => {
      const store = startStore();

      expect(connection.connectedWith).toEqual(['token-of-bob']);
      expect(store.roomName()).toBe('Blue Room');
      expect(store.fingerprint()).toBe('3f9a-07c1-b2e4-9d10-5a6b');
      expect(store.me()).toBe('Bob');
    });
  });

  describe('after a reload (the session comes without its keys)', () => {
    const ALICE = [{ name: 'Alice', status: 'online' as const, creator: true }];

    function startLocked(): ChatStore {
      const store = TestBed.inject(ChatStore);
      store.start(fakeSession({ keys: undefined }));
      return store;
    }

    it('opens the keys with the vault of the first presence, and shows the fingerprint then', async () => {
      const store = startLocked();
      expect(store.fingerprint()).toBe('');

      connection.presence$.next({ room: ROOM, members: ALICE, vault: VAULT });
      await settle();

      expect(sessions.unlockedWith).toEqual([VAULT]);
      expect(store.fingerprint()).toBe(KEYS.fingerprint);
      connection.presence$.next({ room: ROOM, members: ALICE, vault: VAULT });
      await settle();
      expect(sessions.unlockedWith).toEqual([VAULT]);
    });

    it('holds received messages until the keys are open, then shows them in order', async () => {
      const store = startLocked();
      connection.relay('Alice', 'message-id-000000000001', 'first');
      connection.relay('Alice', 'message-id-000000000002', 'second');
      await settle();
      expect(messages(store)).toEqual([]);

      connection.presence$.next({ room: ROOM, members: ALICE, vault: VAULT });
      await settle();

      expect(messages(store).map((entry) => entry.content)).toEqual([
        { kind: 'text', text: 'first' },
        { kind: 'text', text: 'second' },
      ]);
    });

    it('seals a message typed before the keys are open once they are', async () => {
      const store = startLocked();
      store.sendText('typed early');
      await settle();
      expect(crypto.sealedTexts).toEqual([]);

      connection.presence$.next({ room: ROOM, members: ALICE, vault: VAULT });
      await settle();

      expect(crypto.sealedTexts.map((sealed) => sealed.text)).toEqual(['typed early']);
      expect(connection.sends).toHaveLength(1);
    });

    it('leaves the room, erasing the session, when the keys do not open under the vault', async () => {
      const store = startLocked();
      sessions.sealedUnder = undefined;
      store.sendText('never sealed');

      connection.presence$.next({ room: ROOM, members: ALICE, vault: VAULT });
      await settle();

      expect(connection.leaves).toBe(1);
      expect(sessions.clears).toBe(1);
      expect(store.notice()).toEqual({ tone: 'error', text: "This tab could not reopen the room's key, so it left the room. Join again with the password." });
      expect(crypto.sealedTexts).toEqual([]);
      expect(messages(store)[0]?.delivery).toBe('failed');
    });
  });

  describe('members', () => {
    it('replaces the member list on every presence', () => {
      const store = startStore();
      connection.presence$.next({ room: ROOM, members: [{ name: 'Alice', status: 'online', creator: true }], vault: VAULT });
      connection.presence$.next({
        room: ROOM,
        members: [
          { name: 'Alice', status: 'away', creator: true },
          { name: 'Bob', status: 'online', creator: false },
        ],
        vault: VAULT,
      });

      expect(store.members()).toEqual([
        { name: 'Alice', status: 'away', creator: true },
        { name: 'Bob', status: 'online', creator: false },
      ]);
      expect(lines(store)).toEqual([]);
    });

    it('follows joined, away, back and left with a system line each', () => {
      const store = startStore();
      connection.presence$.next({ room: ROOM, members: [{ name: 'Alice', status: 'online', creator: true }, { name: 'Bob', status: 'online', creator: false }], vault: VAULT });

      connection.member$.next({ type: 'joined', name: 'Carol', at: 1 });
      expect(store.members().map((m) => `${m.name}:${m.status}`)).toEqual(['Alice:online', 'Bob:online', 'Carol:online']);
      connection.member$.next({ type: 'away', name: 'Carol', at: 2 });
      expect(store.members().find((m) => m.name === 'Carol')?.status).toBe('away');
      connection.member$.next({ type: 'back', name: 'Carol', at: 3 });
      expect(store.members().find((m) => m.name === 'Carol')?.status).toBe('online');
      connection.member$.next({ type: 'left', name: 'Carol', reason: 'left', at: 4 });
      connection.member$.next({ type: 'left', name: 'Alice', reason: 'timeout', at: 5 });

      expect(store.members().map((m) => m.name)).toEqual(['Bob']);
      expect(lines(store)).toEqual(['Carol joined', 'Carol is away', 'Carol is back', 'Carol left', 'Alice timed out']);
    });
  });

  describe('sending', () => {
    it('shows an own message as pending at once, then delivered with the server time', async () => {
      const store = startStore();

      expect(store.sendText('Hello there')).toBe(true);
      expect(messages(store)).toEqual([
        expect.objectContaining({ id: 'own-message-id-0001', from: 'Bob', own: true, delivery: 'pending', content: { kind: 'text', text: 'Hello there' } }),
      ]);
      await settle();
      expect(crypto.sealedTexts).toEqual([{ ctx: { roomKey: 'blue room', from: 'Bob', id: 'own-message-id-0001' }, text: 'Hello there' }]);
      expect(connection.sends.map((send) => send.id)).toEqual(['own-message-id-0001']);

      connection.sends[0].resolve({ seq: 7, ts: 1_767_225_600_000 });
      await settle();

      expect(messages(store)[0]).toEqual(expect.objectContaining({ delivery: 'delivered', ts: 1_767_225_600_000 }));
    });

    it('marks a refused message failed with its sentence, and retries it with the same id and box', async () => {
      const store = startStore();
      store.sendText('Hello there');
      await settle();
      const first = connection.sends[0];

      first.reject(new ApiProblem('RATE_LIMITED', 429, 'slow down'));
      await settle();
      expect(messages(store)[0]).toEqual(expect.objectContaining({ delivery: 'failed', error: errorText('RATE_LIMITED') }));

      store.retry(first.id);
      expect(messages(store)[0].delivery).toBe('pending');
      await settle();

      expect(connection.sends).toHaveLength(2);
      expect(connection.sends[1].id).toBe(first.id);
      expect(connection.sends[1].box).toBe(first.box);
      expect(crypto.sealedTexts).toHaveLength(1);
      connection.sends[1].resolve({ seq: 8, ts: 5 });
      await settle();
      expect(messages(store)[0]).toEqual(expect.objectContaining({ delivery: 'delivered', ts: 5, error: undefined }));
    });

    it('refuses blank and over-long texts', () => {
      const store = startStore();

      expect(store.sendText('  \n ')).toBe(false);
      expect(store.sendText('x'.repeat(10_001))).toBe(false);
      expect(store.entries()).toEqual([]);
    });

    it('accepts exactly 10,000 characters, counting code points', () => {
      const store = startStore();

      expect(store.sendText('😀'.repeat(10_000))).toBe(true);
    });
  });

  describe('receiving', () => {
    it('opens a message under the sender and id the server reported', async () => {
      const store = startStore();
      connection.relay('Alice', 'alice-message-0001', 'Hi Bob');
      await settle();

      expect(crypto.opened).toEqual([{ roomKey: 'blue room', from: 'Alice', id: 'alice-message-0001' }]);
      expect(messages(store)).toEqual([
        expect.objectContaining({ id: 'alice-message-0001', from: 'Alice', own: false, delivery: 'received', content: { kind: 'text', text: 'Hi Bob' } }),
      ]);
    });

    it('shows a repeated id once', async () => {
      const store = startStore();
      connection.relay('Alice', 'alice-message-0001', 'Hi Bob');
      connection.relay('Alice', 'alice-message-0001', 'Hi Bob');
      await settle();
      connection.relay('Alice', 'alice-message-0001', 'Hi Bob');
      await settle();

      expect(messages(store)).toHaveLength(1);
    });

    it('drops messages that do not open, with a single notice that counts them', async () => {
      const store = startStore();
      connection.relay('Mallory', 'relabelled-0000001', 'forged', { from: 'Alice' });
      await settle();
      expect(messages(store)).toEqual([]);
      expect(lines(store)).toEqual(['A message could not be decrypted and was hidden.']);

      connection.message$.next({ id: 'garbage-00000001', from: 'Alice', ts: 1, seq: 2, box: new Uint8Array([1, 2, 3]) });
      await settle();

      expect(messages(store)).toEqual([]);
      expect(lines(store)).toEqual(['2 messages could not be decrypted and were hidden.']);
    });

    it('drops a message of a kind it does not know silently: no notice, nothing shown', async () => {
      const store = startStore();
      const box = fakeBox({ roomKey: 'blue room', from: 'Alice', id: 'later-kind-000001' }, { kind: 'later-kind' });
      connection.message$.next({ id: 'later-kind-000001', from: 'Alice', ts: 1, seq: 1, box });
      connection.relay('Alice', 'alice-message-0001', 'Hi Bob');
      await settle();

      expect(messages(store)).toHaveLength(1);
      expect(lines(store)).toEqual([]);
    });

    it('still shows a genuine message whose id a forged one used first', async () => {
      const store = startStore();
      connection.relay('Alice', 'alice-message-0001', 'forged', { roomKey: 'other room' });
      connection.relay('Alice', 'alice-message-0001', 'genuine');
      await settle();

      expect(messages(store).map((m) => m.content)).toEqual([{ kind: 'text', text: 'genuine' }]);
    });

    it('drops an incoming message that reuses the id of one of ours', async () => {
      const store = startStore();
      store.sendText('mine');
      connection.relay('Alice', 'own-message-id-0001', 'echo');
      await settle();

      expect(messages(store).map((m) => m.from)).toEqual(['Bob']);
    });

    it('keeps the order messages arrived in', async () => {
      const store = startStore();
      connection.relay('Alice', 'alice-message-0001', 'one');
      connection.relay('Carol', 'carol-message-0001', 'two');
      connection.relay('Alice', 'alice-message-0002', 'three');
      await settle();

      expect(messages(store).map((m) => (m.content.kind === 'text' ? m.content.text : ''))).toEqual(['one', 'two', 'three']);
    });

    it('shows received images through an object URL and releases it when the store goes away', async () => {
      const store = startStore();
      const ctx = { roomKey: 'blue room', from: 'Alice', id: 'alice-picture-0001' };
      connection.message$.next({ id: ctx.id, from: 'Alice', ts: 1, seq: 1, box: fakeBox(ctx, { kind: 'image', mime: 'image/png', bytes: [1, 2], width: 2, height: 1 }) });
      await settle();

      expect(messages(store)[0].content).toEqual({ kind: 'image', url: 'blob:test/1', mime: 'image/png', width: 2, height: 1 });
      TestBed.resetTestingModule();
      expect(revokedUrls).toEqual(['blob:test/1']);
    });

    it(`keeps at most ${MAX_ENTRIES} lines and releases the images of those that leave`, async () => {
      const store = startStore();
      const ctx = { roomKey: 'blue room', from: 'Alice', id: 'alice-picture-0001' };
      connection.message$.next({ id: ctx.id, from: 'Alice', ts: 1, seq: 1, box: fakeBox(ctx, { kind: 'image', mime: 'image/png', bytes: [1] }) });
      await settle();
      for (let i = 0; i < MAX_ENTRIES; i++) connection.member$.next({ type: 'away', name: 'Carol', at: i });

      expect(store.entries()).toHaveLength(MAX_ENTRIES);
      expect(messages(store)).toEqual([]);
      expect(revokedUrls).toEqual(['blob:test/1']);
    });
  });

  describe('the ids it has shown (a repeat is dropped)', () => {
    function relayLaterKinds(count: number): void {
      for (let i = 0; i < count; i++) {
        const id = idOf(1_000_000 + i);
        connection.message$.next({ id, from: 'Alice', ts: 1, seq: 1, box: fakeBox({ roomKey: 'blue room', from: 'Alice', id }, { kind: 'later-kind' }) });
      }
    }

    it('drops a repeat whose first copy is still in the list, however many ids came since', async () => {
      const store = startStore();
      connection.relay('Alice', idOf(0), 'first');
      relayLaterKinds(SHOWN_IDS_KEPT + 1);
      connection.relay('Alice', idOf(0), 'first');
      await drain();

      expect(messages(store).map((m) => m.id)).toEqual([idOf(0)]);
    });

    it(`drops a repeat whose line has left the list while its id is among the last ${SHOWN_IDS_KEPT}`, async () => {
      const store = startStore();
      for (let n = 0; n <= MAX_ENTRIES; n++) connection.relay('Alice', idOf(n), `line ${n}`);
      await drain();
      expect(messages(store)[0].id).toBe(idOf(1));

      connection.relay('Alice', idOf(0), 'line 0');
      await drain();

      expect(messages(store).map((m) => m.id)).not.toContain(idOf(0));
    });

    it(`forgets an id once its line has left the list and ${SHOWN_IDS_KEPT} newer ones came`, async () => {
      const store = startStore();
      for (let n = 0; n <= SHOWN_IDS_KEPT; n++) connection.relay('Alice', idOf(n), `line ${n}`);
      await drain();

      connection.relay('Alice', idOf(0), 'line 0');
      await drain();

      expect(messages(store).at(-1)?.id).toBe(idOf(0));
      expect(SHOWN_IDS_KEPT).toBeGreaterThan(ID_MEMORY_COUNT);
    });
  });

  describe('images', () => {
    it('sends a prepared image, shown at once from its own bytes', async () => {
      const store = startStore();
      const file = new Blob(['x'], { type: 'image/jpeg' });
      await Promise.race([store.sendImage(file), settle()]);
      await settle();

      expect(imagePrep.prepared).toEqual([file]);
      expect(messages(store)[0]).toEqual(
        expect.objectContaining({ own: true, delivery: 'pending', content: { kind: 'image', url: 'blob:test/1', mime: 'image/jpeg', width: 40, height: 30 } }),
      );
      expect(crypto.sealedImages[0].ctx).toEqual({ roomKey: 'blue room', from: 'Bob', id: 'own-message-id-0001' });
      expect(connection.sends).toHaveLength(1);
    });

    it('shows why an image was refused and sends nothing', async () => {
      const store = startStore();
      imagePrep.outcome = new ImagePrepError('Only images can be attached, and this file is not an image.');
      await store.sendImage(new Blob(['x'], { type: 'text/plain' }));

      expect(store.notice()).toEqual({ tone: 'error', text: 'Only images can be attached, and this file is not an image.' });
      expect(store.entries()).toEqual([]);
    });

    it('passes on a note about the conversion', async () => {
      const store = startStore();
      imagePrep.outcome = { mime: 'image/jpeg', bytes: new Uint8Array([1]), width: 1, height: 1, note: 'GIFs are sent as a still image.' };
      void store.sendImage(new Blob(['x'], { type: 'image/gif' }));
      await settle();

      expect(store.notice()).toEqual({ tone: 'info', text: 'GIFs are sent as a still image.' });
      store.sendText('and some text');
      expect(store.notice()).toBeUndefined();
    });
  });

  describe('typing', () => {
    beforeEach(() => jest.useFakeTimers());

    it('shows who is typing and forgets them after 5 s without an update', () => {
      const store = startStore();
      connection.typing$.next({ name: 'Alice', active: true });
      connection.typing$.next({ name: 'Bob', active: true });
      expect(store.typingNames()).toEqual(['Alice']);

      jest.advanceTimersByTime(4_000);
      connection.typing$.next({ name: 'Alice', active: true });
      jest.advanceTimersByTime(4_000);
      expect(store.typingNames()).toEqual(['Alice']);
      jest.advanceTimersByTime(1_000);
      expect(store.typingNames()).toEqual([]);
    });

    it('stops showing someone who says they stopped or whose message arrived', async () => {
      const store = startStore();
      connection.typing$.next({ name: 'Alice', active: true });
      connection.typing$.next({ name: 'Carol', active: true });
      connection.typing$.next({ name: 'Carol', active: false });
      expect(store.typingNames()).toEqual(['Alice']);

      connection.relay('Alice', 'alice-message-0001', 'done');
      await settle();
      expect(store.typingNames()).toEqual([]);
    });

    it('says we are typing at most every 2 s, and that we stopped after 3 s idle', () => {
      const store = startStore();
      store.composing(true);
      jest.advanceTimersByTime(1_000);
      store.composing(true);
      expect(connection.typingSent).toEqual([true]);

      jest.advanceTimersByTime(1_000);
      store.composing(true);
      expect(connection.typingSent).toEqual([true, true]);

      jest.advanceTimersByTime(2_999);
      expect(connection.typingSent).toEqual([true, true]);
      jest.advanceTimersByTime(1);
      expect(connection.typingSent).toEqual([true, true, false]);
    });

    it('says we stopped when we send or empty the box', () => {
      const store = startStore();
      store.composing(true);
      store.sendText('hi');
      expect(connection.typingSent).toEqual([true, false]);

      store.composing(true);
      store.composing(false);
      expect(connection.typingSent).toEqual([true, false, true, false]);
      jest.advanceTimersByTime(10_000);
      expect(connection.typingSent).toEqual([true, false, true, false]);
    });
  });

  describe('unread count', () => {
    it('counts messages that arrive while the tab is hidden and resets when it is shown', async () => {
      const store = startStore();
      connection.relay('Alice', 'alice-message-0001', 'seen');
      await settle();
      expect(store.unread()).toBe(0);

      hidden = true;
      connection.relay('Alice', 'alice-message-0002', 'unseen');
      connection.relay('Alice', 'alice-message-0003', 'unseen');
      await settle();
      expect(store.unread()).toBe(2);
      expect(store.title()).toBe('(2) Blue Room · CipherNest');
      expect(notifications).toBe(2);

      hidden = false;
      document.dispatchEvent(new Event('visibilitychange'));
      expect(store.unread()).toBe(0);
      expect(store.title()).toBe('Blue Room · CipherNest');
    });

    it('does not count our own messages', async () => {
      const store = startStore();
      hidden = true;
      store.sendText('mine');
      await settle();

      expect(store.unread()).toBe(0);
    });
  });

  describe('the end of the session', () => {
    it('erases the session when the server ends it', () => {
      const store = startStore();
      connection.end('replaced');
      TestBed.tick();

      expect(store.ended()).toBe(true);
      expect(store.endReason()).toBe('replaced');
      expect(sessions.clears).toBe(1);
    });

    it('keeps the session when the page only closes its socket', () => {
      const store = startStore();
      store.close();
      TestBed.tick();

      expect(connection.disconnects).toBe(1);
      expect(sessions.clears).toBe(0);
    });

    it('leaves through the connection and erases the session', async () => {
      const store = startStore();
      await store.leave();
      TestBed.tick();

      expect(connection.leaves).toBe(1);
      expect(sessions.clears).toBe(1);
      expect(api.endedSessions).toEqual([]);
    });

    it('also ends the session over HTTP when leaving without a live socket', async () => {
      const store = startStore();
      connection.setState('reconnecting');
      await store.leave();

      expect(api.endedSessions).toEqual(['token-of-bob']);
      expect(sessions.clears).toBe(1);
    });

    it('marks pending messages failed when the session ends first', async () => {
      const store = startStore();
      store.sendText('late');
      await settle();
      connection.sends[0].reject(new ApiProblem('SESSION_NOT_FOUND', 401, 'gone'));
      connection.end('SESSION_NOT_FOUND');
      await settle();

      expect(messages(store)[0]).toEqual(expect.objectContaining({ delivery: 'failed', error: errorText('SESSION_NOT_FOUND') }));
      store.retry(messages(store)[0].id);
      expect(connection.sends).toHaveLength(1);
      expect(store.sendText('more')).toBe(false);
    });
  });
});

describe('chatTitle', () => {
  it('is the room name while nothing is unread', () => {
    expect(chatTitle('Blue Room', 0)).toBe('Blue Room · CipherNest');
  });

  it('puts the unread count in front', () => {
    expect(chatTitle('Blue Room', 3)).toBe('(3) Blue Room · CipherNest');
  });
});
