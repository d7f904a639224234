import { TestBed } from '@angular/core/testing';

import { ApiProblem } from '../../core/api/api-problem';
import { errorText } from '../../core/errors/error-text';
import { ChatStore } from './chat-store';
import { chatTitle } from './chat-title';
import { ImagePrepError } from './image-prep';
import { type ChatDoubles, configureChat, drain, endChatSpec, linesOf, messagesOf, settle, startChatStore } from './testing/chat-test-bed';
import { ROOM, VAULT, fakeSession } from './testing/chat-fakes';
import { SAFETY_NUMBER, relayedBody } from './testing/fake-e2e-layer';

const ALICE = [{ name: 'Alice', status: 'online' as const, creator: true }];

describe('ChatStore', () => {
  let chat: ChatDoubles;

  beforeEach(() => (chat = configureChat()));

  afterEach(endChatSpec);

  const startStore = startChatStore;
  const messages = messagesOf;
  const lines = linesOf;

  describe('starting', () => {
    it('connects with the session token and shows the room', () => {
      const store = startStore();

      expect(chat.connection.connectedWith).toEqual(['token-of-bob']);
      expect(store.roomName()).toBe('Blue Room');
      expect(store.me()).toBe('Bob');
    });

    it('opens the end-to-end layer with the first presence, and follows the members with it', async () => {
      const store = TestBed.inject(ChatStore);
      store.start(fakeSession());
      expect(store.secured()).toBe(false);

      chat.connection.presence$.next({ room: ROOM, members: [...ALICE, { name: 'Bob', status: 'online', creator: false }], vault: VAULT });
      chat.connection.member$.next({ type: 'joined', name: 'Carol', at: 1 });
      chat.connection.member$.next({ type: 'away', name: 'Carol', at: 2 });
      chat.connection.member$.next({ type: 'left', name: 'Alice', reason: 'timeout', at: 3 });
      await drain();

      expect(store.secured()).toBe(true);
      expect(chat.e2e.layer.calls).toEqual(['sync Alice,Bob', 'joined Carol', 'left Alice']);
      expect(store.trust()).toEqual([{ name: 'Carol', keysKnown: false, verification: 'unverified' }]);
    });

    it('shows the safety number with a member, marks it verified, and wipes the layer on leaving', async () => {
      const store = TestBed.inject(ChatStore);
      store.start(fakeSession());
      chat.connection.presence$.next({ room: ROOM, members: [...ALICE, { name: 'Bob', status: 'online', creator: false }], vault: VAULT });
      await drain();

      await expect(store.safetyNumber('Alice')).resolves.toEqual(SAFETY_NUMBER);
      await store.markVerified('Alice');
      expect(store.trust()).toEqual([{ name: 'Alice', keysKnown: true, verification: 'verified' }]);
      await store.leave();
      await drain();
      expect(chat.e2e.layer.calls).toEqual(['sync Alice,Bob', 'verified Alice', 'wipe']);
    });
  });

  describe('after a reload (the session comes without its keys)', () => {
    function startLocked(): ChatStore {
      const store = TestBed.inject(ChatStore);
      store.start(fakeSession({ keys: undefined }));
      return store;
    }

    it('opens the keys with the vault of the first presence, then the end-to-end layer', async () => {
      const store = startLocked();
      expect(store.secured()).toBe(false);

      chat.connection.presence$.next({ room: ROOM, members: ALICE, vault: VAULT });
      await drain();

      expect(chat.sessions.unlockedWith).toEqual([VAULT]);
      expect(store.secured()).toBe(true);
      chat.connection.presence$.next({ room: ROOM, members: ALICE, vault: VAULT });
      await drain();
      expect(chat.sessions.unlockedWith).toEqual([VAULT]);
    });

    it('holds received messages until the keys are open, then shows them in order', async () => {
      const store = startLocked();
      chat.connection.relay('Alice', 'message-id-000000000001', 'first');
      chat.connection.relay('Alice', 'message-id-000000000002', 'second');
      await settle();
      expect(messages(store)).toEqual([]);

      chat.connection.presence$.next({ room: ROOM, members: ALICE, vault: VAULT });
      await drain();

      expect(messages(store).map((entry) => entry.content)).toEqual([
        { kind: 'text', text: 'first' },
        { kind: 'text', text: 'second' },
      ]);
    });

    it('seals a message typed before the keys are open once they are', async () => {
      const store = startLocked();
      store.sendText('typed early');
      await drain();
      expect(chat.e2e.layers).toEqual([]);

      chat.connection.presence$.next({ room: ROOM, members: ALICE, vault: VAULT });
      await drain();

      expect(chat.e2e.layer.sealed.map((sealed) => sealed.content)).toEqual([{ kind: 'text', text: 'typed early' }]);
      expect(chat.connection.sends).toHaveLength(1);
    });

    it('leaves the room, erasing the session, when the keys do not open under the vault', async () => {
      const store = startLocked();
      chat.sessions.sealedUnder = undefined;
      store.sendText('never sealed');

      chat.connection.presence$.next({ room: ROOM, members: ALICE, vault: VAULT });
      await settle();

      expect(chat.connection.leaves).toBe(1);
      expect(chat.sessions.clears).toBe(1);
      expect(store.notice()).toEqual({ tone: 'error', text: "This tab could not reopen the room's key, so it left the room. Join again with the password." });
      expect(chat.e2e.layers).toEqual([]);
      expect(messages(store)[0]?.delivery).toBe('failed');
    });
  });

  describe('the room', () => {
    it('replaces the member list on every presence', () => {
      const store = startStore();
      chat.connection.presence$.next({ room: ROOM, members: [{ name: 'Alice', status: 'online', creator: true }], vault: VAULT });
      chat.connection.presence$.next({
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

    it('follows member events with a system line each', () => {
      const store = startStore();
      chat.connection.member$.next({ type: 'joined', name: 'Carol', at: 1 });
      chat.connection.member$.next({ type: 'left', name: 'Carol', reason: 'left', at: 2 });

      expect(store.members()).toEqual([]);
      expect(lines(store)).toEqual(['Carol joined', 'Carol left']);
    });
  });

  describe('sending', () => {
    it('sends a text as this member, shown as pending at once', async () => {
      const store = startStore();

      expect(store.sendText('Hello there')).toBe(true);
      expect(messages(store)).toEqual([expect.objectContaining({ from: 'Bob', own: true, delivery: 'pending', content: { kind: 'text', text: 'Hello there' } })]);
      await settle();
      expect(chat.connection.sends).toHaveLength(1);
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

  describe('images', () => {
    it('sends a prepared image, shown at once from its own bytes', async () => {
      const store = startStore();
      const file = new Blob(['x'], { type: 'image/jpeg' });
      await Promise.race([store.sendAttachment(file), settle()]);
      await settle();

      expect(chat.imagePrep.prepared).toEqual([file]);
      expect(messages(store)[0]).toEqual(
        expect.objectContaining({ own: true, delivery: 'pending', content: { kind: 'image', url: 'blob:test/1', mime: 'image/jpeg', width: 40, height: 30 } }),
      );
      expect(chat.e2e.layer.sealed[0].ctx).toEqual({ roomKey: 'blue room', from: 'Bob', id: 'own-message-id-0001' });
      expect(chat.connection.sends).toHaveLength(1);
    });

    it('shows why an image was refused and sends nothing', async () => {
      const store = startStore();
      chat.imagePrep.outcome = new ImagePrepError('This image could not be read. Try a JPEG or PNG file.');
      await store.sendAttachment(new Blob(['x'], { type: 'image/png' }));

      expect(store.notice()).toEqual({ tone: 'error', text: 'This image could not be read. Try a JPEG or PNG file.' });
      expect(store.entries()).toEqual([]);
    });

    it('says so, and sends nothing, when the browser cannot show the image', async () => {
      const store = startStore();
      Object.defineProperty(URL, 'createObjectURL', {
        configurable: true,
        value: () => {
          throw new Error('no object URLs here');
        },
      });
      await store.sendAttachment(new Blob(['x'], { type: 'image/jpeg' }));

      expect(store.notice()).toEqual({ tone: 'error', text: 'This browser could not show the image.' });
      expect(store.entries()).toEqual([]);
      expect(chat.connection.sends).toEqual([]);
    });

    it('passes on a note about the conversion', async () => {
      const store = startStore();
      const note = 'This GIF is too large to send as an animation, so it was sent as a still image.';
      chat.imagePrep.outcome = { mime: 'image/jpeg', bytes: new Uint8Array([1]), width: 1, height: 1, note };
      void store.sendAttachment(new Blob(['x'], { type: 'image/gif' }));
      await settle();

      expect(store.notice()).toEqual({ tone: 'info', text: note });
      store.sendText('and some text');
      expect(store.notice()).toBeUndefined();
    });
  });

  describe('files', () => {
    const pdf = () => new File(['%PDF-1.4\n%%EOF\n'], 'report.pdf', { type: 'application/pdf' });

    it('sends any file that is not a JPEG, PNG, WebP or GIF as a file, as it is, shown at once as pending', async () => {
      const store = startStore();
      await Promise.race([store.sendAttachment(pdf()), settle()]);
      await settle();

      expect(chat.imagePrep.prepared).toEqual([]);
      const [line] = messages(store);
      expect(line).toEqual(expect.objectContaining({ own: true, content: { kind: 'file', name: 'report.pdf', mime: 'application/pdf', size: 15, blob: expect.any(Blob) } }));
      expect(line.content.kind === 'file' && line.content.blob.type).toBe('application/octet-stream');
      const sealed = chat.e2e.layer.sealed[0].content;
      expect(sealed).toEqual({ kind: 'file', mime: 'application/pdf', name: 'report.pdf', bytes: new TextEncoder().encode('%PDF-1.4\n%%EOF\n') });
      expect(chat.connection.sends).toHaveLength(1);
    });

    it('refuses a file too large for a message, naming the limit in MB, before reading it', async () => {
      const store = startStore();
      const big = new File([new Uint8Array(9_000_000)], 'big.zip', { type: 'application/zip' });
      const read = jest.spyOn(big, 'arrayBuffer');
      await store.sendAttachment(big);

      expect(store.notice()).toEqual({ tone: 'error', text: 'This file is too large to send (9.0 MB; the limit is 8.3 MB).' });
      expect(read).not.toHaveBeenCalled();
      expect(store.entries()).toEqual([]);
      expect(chat.connection.sends).toEqual([]);
    });

    it('shows a file a member sent as a file to save, its bytes in an application/octet-stream blob', async () => {
      const store = startStore();
      chat.connection.message$.next(relayedBody('Alice', 'alice-file-000001', { kind: 'file', mime: 'text/html', name: 'page.html', bytes: Array.from(new TextEncoder().encode('<script>alert(1)</script>')) }));
      await settle();

      const [line] = messages(store);
      expect(line.content).toEqual({ kind: 'file', name: 'page.html', mime: 'text/html', size: 25, blob: expect.any(Blob) });
      expect(line.content.kind === 'file' && line.content.blob.type).toBe('application/octet-stream');
      expect(chat.createdUrls).toEqual([]);
    });
  });

  describe('typing', () => {
    beforeEach(() => jest.useFakeTimers());

    it('shows who else is typing, never ourselves', () => {
      const store = startStore();
      chat.connection.typing$.next({ name: 'Alice', active: true });
      chat.connection.typing$.next({ name: 'Bob', active: true });

      expect(store.typingNames()).toEqual(['Alice']);
    });

    it('stops showing someone whose message arrived', async () => {
      const store = startStore();
      chat.connection.typing$.next({ name: 'Alice', active: true });

      chat.connection.relay('Alice', 'alice-message-0001', 'done');
      await settle();

      expect(store.typingNames()).toEqual([]);
    });

    it('says we stopped when we send or empty the box', () => {
      const store = startStore();
      store.composing(true);
      store.sendText('hi');
      expect(chat.connection.typingSent).toEqual([true, false]);

      store.composing(true);
      store.composing(false);
      expect(chat.connection.typingSent).toEqual([true, false, true, false]);
      jest.advanceTimersByTime(10_000);
      expect(chat.connection.typingSent).toEqual([true, false, true, false]);
    });
  });

  describe('unread count', () => {
    it('counts messages that arrive while the tab is hidden and resets when it is shown', async () => {
      const store = startStore();
      chat.connection.relay('Alice', 'alice-message-0001', 'seen');
      await settle();
      expect(store.unread()).toBe(0);

      chat.hidden = true;
      chat.connection.relay('Alice', 'alice-message-0002', 'unseen');
      chat.connection.relay('Alice', 'alice-message-0003', 'unseen');
      await settle();
      expect(store.unread()).toBe(2);
      expect(store.title()).toBe('(2) Blue Room · CipherNest');
      expect(chat.notifications).toBe(2);

      chat.hidden = false;
      document.dispatchEvent(new Event('visibilitychange'));
      expect(store.unread()).toBe(0);
      expect(store.title()).toBe('Blue Room · CipherNest');
    });

    it('does not count our own messages', async () => {
      const store = startStore();
      chat.hidden = true;
      store.sendText('mine');
      await settle();

      expect(store.unread()).toBe(0);
    });
  });

  describe('the end of the session', () => {
    it('erases the session, and wipes the end-to-end layer, when the server ends it', async () => {
      const store = startStore();
      await drain();
      chat.connection.end('replaced');
      TestBed.tick();
      await drain();

      expect(store.ended()).toBe(true);
      expect(store.endReason()).toBe('replaced');
      expect(chat.sessions.clears).toBe(1);
      expect(chat.e2e.layer.calls).toContain('wipe');
    });

    it('keeps the session, and the layer, when the page only closes its socket', async () => {
      const store = startStore();
      await drain();
      store.close();
      TestBed.tick();
      await drain();

      expect(chat.connection.disconnects).toBe(1);
      expect(chat.sessions.clears).toBe(0);
      expect(chat.e2e.layer.calls).not.toContain('wipe');
    });

    it('leaves through the connection and erases the session', async () => {
      const store = startStore();
      await store.leave();
      TestBed.tick();

      expect(chat.connection.leaves).toBe(1);
      expect(chat.sessions.clears).toBe(1);
      expect(chat.api.endedSessions).toEqual([]);
    });

    it('also ends the session over HTTP when leaving without a live socket', async () => {
      const store = startStore();
      chat.connection.setState('reconnecting');
      await store.leave();

      expect(chat.api.endedSessions).toEqual(['token-of-bob']);
      expect(chat.sessions.clears).toBe(1);
    });

    it('marks pending messages failed when the session ends first, and retries nothing after', async () => {
      const store = startStore();
      store.sendText('late');
      await settle();
      chat.connection.sends[0].reject(new ApiProblem('SESSION_NOT_FOUND', 401, 'gone'));
      chat.connection.end('SESSION_NOT_FOUND');
      await settle();

      expect(messages(store)[0]).toEqual(expect.objectContaining({ delivery: 'failed', error: errorText('SESSION_NOT_FOUND') }));
      store.retry(messages(store)[0].id);
      expect(chat.connection.sends).toHaveLength(1);
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
