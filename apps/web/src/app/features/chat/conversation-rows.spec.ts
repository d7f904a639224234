import fc from 'fast-check';

import type { ChatEntry, Delivery, MessageEntry, SystemEntry } from './chat-entry';
import { type ConversationRow, RUN_GAP_MS, UNSEEN_DIVIDER_ID, conversationRows, countUnseen, dayLabel, unseenStart } from './conversation-rows';

// Local times (whatever the machine's time zone), so that days are the days a reader sees.
const NOW = new Date(2026, 11, 7, 15, 0).getTime();
const at = (day: number, hour: number, minute = 0) => new Date(2026, 11, day, hour, minute).getTime();
const MINUTE = 60_000;

let ids = 0;
function message(from: string, ts: number | undefined, changes: Partial<MessageEntry> = {}): MessageEntry {
  ids += 1;
  const own = from === 'You';
  return { type: 'message', id: `m${ids}`, from, own, delivery: own ? 'delivered' : 'received', ts, content: { kind: 'text', text: `text ${ids}` }, ...changes };
}
function system(text: string, time: number): SystemEntry {
  ids += 1;
  return { type: 'system', id: `s${ids}`, text, at: time };
}

const formatDay = (day: Date) => `day ${day.getDate()}/${day.getMonth() + 1}`;
const rowsOf = (entries: ChatEntry[], unseen?: { after: string | undefined }) => conversationRows(entries, { now: NOW, unseen, formatDay });

/** Rows as short words: "Today", "New messages", "Ada", "Ada+" (continues a run), "You!" (shows its state), "line". */
function sketch(rows: ConversationRow[]): string[] {
  return rows.map((row) => {
    if (row.type === 'day') return row.label;
    if (row.type === 'divider') return 'New messages';
    if (row.type === 'system') return 'line';
    return `${row.entry.from}${row.continued ? '+' : ''}${row.showDelivery ? '!' : ''}`;
  });
}

describe('dayLabel', () => {
  it('says Today and Yesterday by the local calendar, and the date before that', () => {
    expect(dayLabel(new Date(2026, 11, 7), NOW)).toBe('Today');
    expect(dayLabel(new Date(2026, 11, 6), NOW)).toBe('Yesterday');
    expect(dayLabel(new Date(2026, 11, 5), NOW, formatDay)).toBe('day 5/12');
    expect(dayLabel(new Date(2026, 11, 8), NOW, formatDay)).toBe('day 8/12');
  });

  it('knows the day before the first of a month and of a year', () => {
    expect(dayLabel(new Date(2026, 10, 30), new Date(2026, 11, 1, 0, 5).getTime())).toBe('Yesterday');
    expect(dayLabel(new Date(2025, 11, 31), new Date(2026, 0, 1, 9).getTime())).toBe('Yesterday');
  });

  it('writes older days in full in the browser language by default', () => {
    const label = dayLabel(new Date(2026, 11, 1), NOW);

    expect(label).toBe(new Date(2026, 11, 1).toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }));
    expect(label).toContain('2026');
  });
});

describe('conversationRows', () => {
  it('puts a day separator before the first entry and wherever the local day changes', () => {
    const entries = [message('Ada', at(5, 23, 58)), message('Bob', at(6, 0, 1)), system('Cyd joined', at(6, 9)), message('Ada', at(7, 8))];

    const rows = rowsOf(entries);

    expect(sketch(rows)).toEqual(['day 5/12', 'Ada', 'Yesterday', 'Bob', 'line', 'Today', 'Ada']);
    expect(rows.filter((row) => row.type === 'day').map((row) => (row.type === 'day' ? row.date : ''))).toEqual(['2026-12-05', '2026-12-06', '2026-12-07']);
  });

  it('counts our messages not yet stamped by the server as now', () => {
    const entries = [message('You', at(6, 22)), message('You', undefined, { delivery: 'pending' })];

    expect(sketch(rowsOf(entries))).toEqual(['Yesterday', 'You!', 'Today', 'You!']);
  });

  it('groups consecutive messages of one sender within five minutes', () => {
    const t = at(7, 10);
    const entries = [
      message('Ada', t),
      message('Ada', t + MINUTE),
      message('Ada', t + MINUTE + RUN_GAP_MS),
      message('Ada', t + 2 * MINUTE + 2 * RUN_GAP_MS),
      message('Bob', t + 2 * MINUTE + 2 * RUN_GAP_MS),
      message('Ada', t + 3 * MINUTE + 2 * RUN_GAP_MS),
    ];

    expect(sketch(rowsOf(entries))).toEqual(['Today', 'Ada', 'Ada+', 'Ada+', 'Ada', 'Bob', 'Ada']);
  });

  it('starts a new run after a system line, a day separator or the divider', () => {
    const entries = [message('Ada', at(6, 23, 59)), message('Ada', at(7, 0, 0)), system('Bob joined', at(7, 0, 1)), message('Ada', at(7, 0, 2)), message('Bob', at(7, 0, 3)), message('Bob', at(7, 0, 4))];

    const rows = rowsOf(entries, { after: entries[4].id });

    expect(sketch(rows)).toEqual(['Yesterday', 'Ada', 'Today', 'Ada', 'line', 'Ada', 'Bob', 'New messages', 'Bob']);
  });

  it('never joins our messages with those of someone who has our name', () => {
    const t = at(7, 10);
    const entries = [message('You', t), message('You', t, { own: false, delivery: 'received' })];

    expect(sketch(rowsOf(entries))).toEqual(['Today', 'You!', 'You']);
  });

  it('shows the delivery state of our latest acknowledged message only, and of every one sending or not sent', () => {
    const t = at(7, 10);
    const states: Delivery[] = ['delivered', 'failed', 'sent', 'delivered', 'pending'];
    const entries = states.map((delivery, i) => message('You', delivery === 'pending' || delivery === 'failed' ? undefined : t + i * RUN_GAP_MS * 2, { delivery }));

    const shown = rowsOf(entries).flatMap((row) => (row.type === 'message' && row.showDelivery ? [row.entry.delivery] : []));

    expect(shown).toEqual(['failed', 'delivered', 'pending']);
  });

  it('places the "New messages" divider before the first message of the others after the anchor', () => {
    const t = at(7, 10);
    const entries = [message('Ada', t), system('Cyd joined', t), message('You', t), message('Bob', t), message('Ada', t)];

    expect(sketch(rowsOf(entries, { after: entries[0].id }))).toEqual(['Today', 'Ada', 'line', 'You!', 'New messages', 'Bob', 'Ada']);
    expect(unseenStart([message('Ada', t)], { after: undefined })).toBe(0);
    expect(sketch(rowsOf(entries, { after: entries[4].id }))).not.toContain('New messages');
  });

  it('drops the divider once we have written after it', () => {
    const t = at(7, 10);
    const entries = [message('Ada', t), message('Bob', t), message('You', t)];

    expect(sketch(rowsOf(entries, { after: entries[0].id }))).not.toContain('New messages');
  });

  it('gives each row a distinct id, the divider its own', () => {
    const t = at(7, 10);
    const entries = [message('Ada', t), message('Bob', at(6, 9)), message('Bob', t)];

    const rows = rowsOf(entries, { after: entries[0].id });

    expect(new Set(rows.map((row) => row.id)).size).toBe(rows.length);
    expect(rows.find((row) => row.type === 'divider')?.id).toBe(UNSEEN_DIVIDER_ID);
  });
});

describe('unseen messages', () => {
  const t = at(7, 10);
  const entries = [message('Ada', t), message('You', t), system('Cyd joined', t), message('Bob', t), message('Cyd', t)];

  it('counts the messages of the others after the anchor', () => {
    expect(countUnseen(entries, undefined)).toBe(0);
    expect(countUnseen(entries, { after: undefined })).toBe(3);
    expect(countUnseen(entries, { after: entries[0].id })).toBe(2);
    expect(countUnseen(entries, { after: entries[4].id })).toBe(0);
  });

  it('counts from the first line when the anchor has left the list (the oldest lines go first)', () => {
    expect(countUnseen(entries, { after: 'gone' })).toBe(3);
    expect(unseenStart(entries.slice(2), { after: 'gone' })).toBe(1);
  });
});

describe('conversationRows, for any conversation', () => {
  const sender = fc.constantFrom('You', 'Ada', 'Bob');
  const delivery = fc.constantFrom<Delivery>('pending', 'sent', 'delivered', 'failed');
  // Times within three days before NOW, in order (a conversation's lines arrive in order).
  const entryOf = fc.oneof(
    fc.record({ kind: fc.constant('message' as const), from: sender, delivery, step: fc.integer({ min: 0, max: 12 * 60 * MINUTE }) }),
    fc.record({ kind: fc.constant('system' as const), step: fc.integer({ min: 0, max: 12 * 60 * MINUTE }) }),
  );
  const conversation = fc.array(entryOf, { maxLength: 40 }).map((specs) => {
    let time = NOW - 3 * 24 * 60 * MINUTE;
    return specs.map((spec, i): ChatEntry => {
      time = Math.min(NOW, time + spec.step);
      if (spec.kind === 'system') return { type: 'system', id: `s${i}`, text: 'line', at: time };
      const own = spec.from === 'You';
      const state = own ? spec.delivery : 'received';
      const stamped = state !== 'pending' && state !== 'failed';
      return { type: 'message', id: `m${i}`, from: spec.from, own, delivery: state, ts: stamped ? time : undefined, content: { kind: 'text', text: 'x' } };
    });
  });
  const withAnchor = conversation.chain((entries) =>
    fc.tuple(fc.constant(entries), fc.option(fc.option(fc.constantFrom(...entries.map((entry) => entry.id), 'gone'), { nil: undefined }), { nil: null })),
  );
  const options = (entries: ChatEntry[], anchor: string | undefined | null) => ({ now: NOW, formatDay, unseen: anchor === null ? undefined : { after: anchor } });

  it('shows every entry once, in order', () => {
    fc.assert(
      fc.property(withAnchor, ([entries, anchor]) => {
        const shown = conversationRows(entries, options(entries, anchor)).flatMap((row) => (row.type === 'message' || row.type === 'system' ? [row.entry] : []));
        expect(shown).toEqual(entries);
      }),
    );
  });

  it('has a separator before the first entry and between entries of different days, and nowhere else', () => {
    fc.assert(
      fc.property(conversation, (entries) => {
        const rows = conversationRows(entries, { now: NOW, formatDay });
        const dayOf = (entry: ChatEntry) => new Date(entry.type === 'system' ? entry.at : (entry.ts ?? NOW)).toDateString();
        let previous: string | undefined;
        let separated = false;
        for (const row of rows) {
          if (row.type === 'day') {
            separated = true;
            continue;
          }
          if (row.type === 'divider') continue;
          const day = dayOf(row.entry);
          expect(separated).toBe(day !== previous);
          previous = day;
          separated = false;
        }
      }),
    );
  });

  it('continues a run only right after a message of the same sender, within RUN_GAP_MS', () => {
    fc.assert(
      fc.property(withAnchor, ([entries, anchor]) => {
        const rows = conversationRows(entries, options(entries, anchor));
        rows.forEach((row, i) => {
          if (row.type !== 'message' || !row.continued) return;
          const before = rows[i - 1];
          expect(before?.type).toBe('message');
          if (before?.type !== 'message') return;
          expect([before.entry.from, before.entry.own]).toEqual([row.entry.from, row.entry.own]);
          expect(Math.abs((row.entry.ts ?? NOW) - (before.entry.ts ?? NOW))).toBeLessThanOrEqual(RUN_GAP_MS);
        });
      }),
    );
  });

  it('shows at most one acknowledged state, on our latest acknowledged message, and every pending or failed one', () => {
    fc.assert(
      fc.property(conversation, (entries) => {
        const messages = conversationRows(entries, { now: NOW, formatDay }).filter((row) => row.type === 'message');
        const acknowledged = messages.filter((row) => row.entry.own && (row.entry.delivery === 'sent' || row.entry.delivery === 'delivered'));
        expect(acknowledged.filter((row) => row.showDelivery).map((row) => row.id)).toEqual(acknowledged.slice(-1).map((row) => row.id));
        for (const row of messages) {
          if (!row.entry.own) expect(row.showDelivery).toBe(false);
          if (row.entry.delivery === 'pending' || row.entry.delivery === 'failed') expect(row.showDelivery).toBe(true);
        }
      }),
    );
  });

  it('has at most one divider, right before a message of the others, with none of ours after it', () => {
    fc.assert(
      fc.property(withAnchor, ([entries, anchor]) => {
        const rows = conversationRows(entries, options(entries, anchor));
        const dividers = rows.flatMap((row, i) => (row.type === 'divider' ? [i] : []));
        expect(dividers.length).toBeLessThanOrEqual(1);
        if (dividers.length === 0) return;
        const next = rows[dividers[0] + 1];
        expect(next?.type === 'message' && !next.entry.own).toBe(true);
        expect(rows.slice(dividers[0]).some((row) => row.type === 'message' && row.entry.own)).toBe(false);
      }),
    );
  });
});
