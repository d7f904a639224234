import { TestBed } from '@angular/core/testing';
import type { Member } from '@ciphernest/protocol';

import { ChatDelivery, MISSED_SPANS_KEPT } from './chat-delivery';
import { ChatLog } from './chat-log';
import { RoomPresence } from './room-presence';
import { ROOM, VAULT } from './testing/chat-fakes';
import { configureChat, messagesIn, restoreChatGlobals } from './testing/chat-test-bed';

const member = (name: string, status: Member['status'] = 'online'): Member => ({ name, status, creator: false });

describe('ChatDelivery', () => {
  let delivery: ChatDelivery;
  let log: ChatLog;
  let presence: RoomPresence;

  beforeEach(() => {
    configureChat();
    delivery = TestBed.inject(ChatDelivery);
    log = TestBed.inject(ChatLog);
    presence = TestBed.inject(RoomPresence);
    presence.start(ROOM, 'Bob');
  });

  afterEach(() => restoreChatGlobals());

  function inRoom(...members: Member[]): void {
    presence.replace({ room: ROOM, members: [member('Bob'), ...members], vault: VAULT });
  }

  function acknowledged(id: string, seq: number): void {
    log.append({ type: 'message', id, from: 'Bob', own: true, delivery: 'pending', content: { kind: 'text', text: id } });
    delivery.acknowledged(id, seq, 1_000 + seq, 'Bob');
  }

  const entry = (id: string) => messagesIn(log.entries()).find((line) => line.id === id);

  it('is "sent" alone in the room, whatever comes later', () => {
    inRoom();
    acknowledged('alone-message-000001', 1);
    inRoom(member('Alice'));
    delivery.follow({ name: 'Alice', seq: 5 });

    expect(entry('alone-message-000001')).toEqual(expect.objectContaining({ delivery: 'sent', seq: 1, ts: 1_001, reach: { delivered: [], waiting: [] } }));
  });

  it('is delivered once the one other member has a receipt reaching its seq', () => {
    inRoom(member('Alice'));
    acknowledged('pair-message-0000001', 4);
    expect(entry('pair-message-0000001')?.delivery).toBe('sent');

    delivery.follow({ name: 'Alice', seq: 3 });
    expect(entry('pair-message-0000001')?.delivery).toBe('sent');
    delivery.follow({ name: 'Alice', seq: 4 });

    expect(entry('pair-message-0000001')).toEqual(expect.objectContaining({ delivery: 'delivered', reach: { delivered: ['Alice'], waiting: [] } }));
  });

  it('counts the members present at the ack, away ones included, and nobody who came later', () => {
    inRoom(member('Alice'), member('Carol', 'away'));
    acknowledged('room-message-0000001', 7);
    inRoom(member('Alice'), member('Carol'), member('Dan'));

    delivery.follow({ name: 'Dan', seq: 9 });
    delivery.follow({ name: 'Alice', seq: 8 });
    expect(entry('room-message-0000001')).toEqual(expect.objectContaining({ delivery: 'sent', reach: { delivered: ['Alice'], waiting: ['Carol'] } }));

    delivery.follow({ name: 'Carol', seq: 7 });
    expect(entry('room-message-0000001')?.delivery).toBe('delivered');
  });

  it('counts a receipt that came before the ack', () => {
    inRoom(member('Alice'));
    delivery.follow({ name: 'Alice', seq: 6 });

    acknowledged('early-receipt-000001', 6);

    expect(entry('early-receipt-000001')?.delivery).toBe('delivered');
  });

  it('does not count a member whose receipt says it missed the seq', () => {
    inRoom(member('Alice'), member('Carol'));
    acknowledged('missed-message-00001', 5);

    delivery.follow({ name: 'Alice', seq: 9, missed: { from: 4, to: 6 } });
    delivery.follow({ name: 'Carol', seq: 9 });
    delivery.follow({ name: 'Alice', seq: 12 });

    expect(entry('missed-message-00001')).toEqual(expect.objectContaining({ delivery: 'sent', reach: { delivered: ['Carol'], waiting: ['Alice'] } }));
  });

  it('keeps receipts monotonic, and a bounded list of missed spans per member', () => {
    delivery.follow({ name: 'Alice', seq: 9 });
    delivery.follow({ name: 'Alice', seq: 3 });
    for (let i = 0; i < MISSED_SPANS_KEPT + 5; i++) delivery.follow({ name: 'Alice', seq: 100 + 10 * i, missed: { from: 95 + 10 * i, to: 96 + 10 * i } });
    delivery.follow({ name: 'Alice', seq: 1_000, missed: { from: 97 + 10 * (MISSED_SPANS_KEPT + 4), to: 999 } });

    const [alice] = delivery.states();
    expect(alice.seq).toBe(1_000);
    expect(alice.missed).toHaveLength(MISSED_SPANS_KEPT);
    expect(alice.missed[alice.missed.length - 1]).toEqual({ from: 95 + 10 * (MISSED_SPANS_KEPT + 4), to: 999 });
  });

  it('starts from receipts kept across a reload', () => {
    delivery.restore([{ name: 'Alice', seq: 4, missed: [] }]);
    inRoom(member('Alice'));

    acknowledged('after-reload-0000001', 4);

    expect(entry('after-reload-0000001')?.delivery).toBe('delivered');
  });
});
