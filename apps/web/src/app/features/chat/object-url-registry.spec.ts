import { TestBed } from '@angular/core/testing';

import { ObjectUrlRegistry } from './object-url-registry';
import { type ChatDoubles, configureChat, restoreChatGlobals } from './testing/chat-test-bed';

describe('ObjectUrlRegistry', () => {
  let chat: ChatDoubles;
  let urls: ObjectUrlRegistry;

  beforeEach(() => {
    chat = configureChat();
    urls = TestBed.inject(ObjectUrlRegistry);
  });

  afterEach(() => restoreChatGlobals());

  it('makes an object URL per id and revokes it when released, once', () => {
    const first = urls.create('message-one-00001', new Uint8Array([1]), 'image/png');
    urls.create('message-two-00001', new Uint8Array([2]), 'image/png');

    urls.release('message-one-00001');
    urls.release('message-one-00001');
    urls.release('never-made-000001');

    expect(chat.revokedUrls).toEqual([first]);
  });

  it('revokes every URL still held when the chat goes away', () => {
    urls.create('message-one-00001', new Uint8Array([1]), 'image/png');
    urls.create('message-two-00001', new Uint8Array([2]), 'image/png');

    TestBed.resetTestingModule();

    expect(chat.revokedUrls).toEqual(['blob:test/1', 'blob:test/2']);
  });
});
