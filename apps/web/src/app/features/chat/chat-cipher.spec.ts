import { TestBed } from '@angular/core/testing';
import { MessageRejectedError } from '@ciphernest/crypto';

import { ChatCipher } from './chat-cipher';
import { KEYS, VAULT, fakeBox, fakeSession, relayedText } from './testing/chat-fakes';
import { type ChatDoubles, configureChat, restoreChatGlobals, settle } from './testing/chat-test-bed';

describe('ChatCipher', () => {
  let chat: ChatDoubles;
  let cipher: ChatCipher;

  beforeEach(() => {
    chat = configureChat();
    cipher = TestBed.inject(ChatCipher);
  });

  afterEach(() => restoreChatGlobals());

  it('seals under the room key, our name and the id, and shows the fingerprint of the keys it came with', async () => {
    cipher.start(fakeSession());

    const box = await cipher.seal('own-message-id-0001', { kind: 'text', text: 'hi' });

    expect(box).toEqual(fakeBox({ roomKey: 'blue room', from: 'Bob', id: 'own-message-id-0001' }, { kind: 'text', text: 'hi' }));
    expect(cipher.fingerprint()).toBe(KEYS.fingerprint);
  });

  it('opens under the sender and id the server reported, and refuses a box sealed for others', async () => {
    cipher.start(fakeSession());

    await expect(cipher.open(relayedText('Alice', 'alice-message-0001', 'Hi Bob'))).resolves.toEqual({ kind: 'text', text: 'Hi Bob' });
    await expect(cipher.open(relayedText('Mallory', 'relabelled-0000001', 'forged', { from: 'Alice' }))).rejects.toBeInstanceOf(MessageRejectedError);
  });

  it('waits for the keys that the vault opens, then unlocks only once', async () => {
    cipher.start(fakeSession({ keys: undefined }));
    let opened: unknown;
    void cipher.open(relayedText('Alice', 'alice-message-0001', 'early')).then((message) => (opened = message));
    await settle();
    expect(opened).toBeUndefined();
    expect(cipher.fingerprint()).toBe('');

    await expect(cipher.unlock(VAULT)).resolves.toBe('opened');
    await settle();

    expect(opened).toEqual({ kind: 'text', text: 'early' });
    expect(cipher.fingerprint()).toBe(KEYS.fingerprint);
    await expect(cipher.unlock(VAULT)).resolves.toBe('skipped');
    expect(chat.sessions.unlockedWith).toEqual([VAULT]);
  });

  it('fails to unlock with a vault that does not open the keys, or none', async () => {
    cipher.start(fakeSession({ keys: undefined }));

    await expect(cipher.unlock('not-the-vault')).resolves.toBe('failed');
    await expect(cipher.unlock(undefined)).resolves.toBe('failed');
  });

  it('gives up once abandoned before the keys came: nothing opens, nothing is sealed', async () => {
    cipher.start(fakeSession({ keys: undefined }));

    cipher.abandon();

    await expect(cipher.open(relayedText('Alice', 'alice-message-0001', 'late'))).resolves.toBeUndefined();
    await expect(cipher.seal('own-message-id-0001', { kind: 'text', text: 'late' })).rejects.toThrow('no room key in this tab');
    expect(chat.crypto.sealedTexts).toEqual([]);
  });
});
