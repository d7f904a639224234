import type { ChatEntry, MessageEntry } from './chat-entry';
import { ReadingPosition } from './reading-position';

function message(id: string, from: string): MessageEntry {
  const own = from === 'You';
  return { type: 'message', id, from, own, delivery: own ? 'sent' : 'received', ts: 0, content: { kind: 'text', text: id } };
}

describe('ReadingPosition', () => {
  let position: ReadingPosition;
  let entries: ChatEntry[];

  beforeEach(() => {
    position = new ReadingPosition();
    entries = [message('a1', 'Ada'), message('y1', 'You')];
  });

  const arrive = (...added: MessageEntry[]) => (entries = [...entries, ...added]);

  it('sees nothing unseen while the reader follows the conversation', () => {
    arrive(message('b1', 'Bob'));

    expect(position.unseenCount(entries)).toBe(0);
    expect(position.anchor(entries)).toBeUndefined();
  });

  it('counts what the others write while the reader is away, and anchors the divider before it', () => {
    position.wentAway(entries);
    arrive(message('b1', 'Bob'), message('y2', 'You'), message('b2', 'Bob'));

    expect(position.unseenCount(entries)).toBe(2);
    expect(position.anchor(entries)).toEqual({ after: 'y1' });
  });

  it('keeps the first place when the reader goes away again before catching up (hidden, then scrolled)', () => {
    position.wentAway(entries);
    arrive(message('b1', 'Bob'));
    position.wentAway(entries);
    arrive(message('b2', 'Bob'));

    expect(position.unseenCount(entries)).toBe(2);
    expect(position.anchor(entries)).toEqual({ after: 'y1' });
  });

  it('once caught up, counts nothing and keeps the divider where the unseen part began', () => {
    position.wentAway(entries);
    arrive(message('b1', 'Bob'));
    position.caughtUp(entries);
    arrive(message('b2', 'Bob'));

    expect(position.unseenCount(entries)).toBe(0);
    expect(position.anchor(entries)).toEqual({ after: 'y1' });
  });

  it('moves the divider when the next absence brings messages, and not when it brings none', () => {
    position.wentAway(entries);
    arrive(message('b1', 'Bob'));
    position.caughtUp(entries);

    position.wentAway(entries);
    position.caughtUp(entries);
    expect(position.anchor(entries)).toEqual({ after: 'y1' });

    position.wentAway(entries);
    arrive(message('c1', 'Cyd'));
    expect(position.anchor(entries)).toEqual({ after: 'b1' });
    position.caughtUp(entries);
    expect(position.anchor(entries)).toEqual({ after: 'b1' });
  });

  it('anchors before the first line when the reader went away from an empty conversation', () => {
    position.wentAway([]);

    expect(position.unseenCount([message('b1', 'Bob')])).toBe(1);
    expect(position.anchor([message('b1', 'Bob')])).toEqual({ after: undefined });
  });
});
