import { TestBed } from '@angular/core/testing';

import { ApiProblem } from '../../core/api/api-problem';
import { ChatReceipts } from './chat-receipts';
import { ChatWire, LAYER_BOX_RETRY_MS } from './chat-wire';
import { layerBox } from './testing/fake-e2e-layer';
import { type ChatDoubles, configureChat, restoreChatGlobals } from './testing/chat-test-bed';

describe('ChatWire', () => {
  let chat: ChatDoubles;
  let wire: ChatWire;

  beforeEach(() => {
    jest.useFakeTimers();
    chat = configureChat();
    wire = TestBed.inject(ChatWire);
  });

  afterEach(() => {
    jest.useRealTimers();
    restoreChatGlobals();
  });

  const sentIds = () => chat.connection.sends.map((send) => send.id);
  const unsentIds = () => wire.unsent().map((box) => box.id);

  it('sends one box at a time, in order, and keeps the layer\'s boxes until acknowledged', async () => {
    wire.sendLayerBoxes([layerBox('keys', 'keys-box-000000000001')]);
    const message = wire.send({ id: 'own-message-id-0001', box: new Uint8Array([3]) });
    await jest.advanceTimersByTimeAsync(0);
    expect(sentIds()).toEqual(['keys-box-000000000001']);
    expect(unsentIds()).toEqual(['keys-box-000000000001']);

    chat.connection.sends[0].resolve({ seq: 4, ts: 1 });
    await jest.advanceTimersByTimeAsync(0);
    expect(sentIds()).toEqual(['keys-box-000000000001', 'own-message-id-0001']);
    expect(unsentIds()).toEqual([]);
    chat.connection.sends[1].resolve({ seq: 5, ts: 2 });

    await expect(message).resolves.toEqual({ seq: 5, ts: 2 });
    expect(TestBed.inject(ChatReceipts).resumePoint()).toBe(5);
  });

  it('sends a layer box that the server found too fast again after a pause, before anything behind it', async () => {
    wire.sendLayerBoxes([layerBox('chain', 'chain-box-00000000001')]);
    void wire.send({ id: 'own-message-id-0001', box: new Uint8Array([3]) });
    await jest.advanceTimersByTimeAsync(0);
    chat.connection.sends[0].reject(new ApiProblem('RATE_LIMITED', 429, 'slow down'));
    await jest.advanceTimersByTimeAsync(LAYER_BOX_RETRY_MS - 1);
    expect(sentIds()).toEqual(['chain-box-00000000001']);

    await jest.advanceTimersByTimeAsync(1);

    expect(sentIds()).toEqual(['chain-box-00000000001', 'chain-box-00000000001']);
    expect(unsentIds()).toEqual(['chain-box-00000000001']);
  });

  it('lets go of a layer box refused for good, and goes on', async () => {
    wire.sendLayerBoxes([layerBox('keys', 'keys-box-000000000001'), layerBox('chain', 'chain-box-00000000001')]);
    await jest.advanceTimersByTimeAsync(0);
    chat.connection.sends[0].reject(new ApiProblem('VALIDATION_FAILED', 400, 'no'));
    await jest.advanceTimersByTimeAsync(0);

    expect(sentIds()).toEqual(['keys-box-000000000001', 'chain-box-00000000001']);
    expect(unsentIds()).toEqual(['chain-box-00000000001']);
  });

  it('keeps a layer box for the next page when the session ends before its ack', async () => {
    wire.sendLayerBoxes([layerBox('keys', 'keys-box-000000000001')]);
    await jest.advanceTimersByTimeAsync(0);
    chat.connection.end('SESSION_NOT_FOUND');
    chat.connection.sends[0].reject(new ApiProblem('SESSION_NOT_FOUND', 401, 'gone'));
    await jest.advanceTimersByTimeAsync(LAYER_BOX_RETRY_MS);

    expect(sentIds()).toEqual(['keys-box-000000000001']);
    expect(unsentIds()).toEqual(['keys-box-000000000001']);
  });
});
