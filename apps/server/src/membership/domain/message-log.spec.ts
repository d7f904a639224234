import fc from 'fast-check';
import { ID_MEMORY_COUNT, ID_MEMORY_MS } from '@ciphernest/protocol';
import { MessageLog, type MessageStamp } from './message-log';

/**
 * How many ids the log holds. No production code asks (MessageLog exposes no count), but the
 * bound on its memory is the point of these cases, so they look inside.
 */
function heldIds(log: MessageLog): number {
  return (log as unknown as { seqs: Map<string, number> }).seqs.size;
}

const T0 = 1_700_000_000_000;

function id(n: number): string {
  return `message-id-${String(n).padStart(8, '0')}`;
}

/** Accepts `count` fresh ids, numbered from `from`, `stepMs` apart starting at `start`; returns the last time used. */
function fill(log: MessageLog, from: number, count: number, start: number, stepMs: number): number {
  let at = start;
  for (let n = from; n < from + count; n++) {
    at = start + (n - from) * stepMs;
    log.accept(id(n), at);
  }
  return at;
}

describe('MessageLog', () => {
  it('starts at seq 0 and remembers nothing', () => {
    const log = new MessageLog();

    expect(log.seq).toBe(0);
    expect(heldIds(log)).toBe(0);
  });

  it('stamps the first message with seq 1 and its time', () => {
    const log = new MessageLog();

    expect(log.accept('aaaaaaaaaaaaaaaa', T0)).toEqual({ seq: 1, ts: T0, fresh: true });
  });

  it('counts seq up by one per new id', () => {
    const log = new MessageLog();
    log.accept('aaaaaaaaaaaaaaaa', T0);
    log.accept('bbbbbbbbbbbbbbbb', T0 + 5);

    expect(log.accept('cccccccccccccccc', T0 + 9)).toEqual({ seq: 3, ts: T0 + 9, fresh: true });
    expect(log.seq).toBe(3);
  });

  it('answers a repeated id with its first seq and ts, not fresh, without using a seq', () => {
    const log = new MessageLog();
    log.accept('aaaaaaaaaaaaaaaa', T0);
    log.accept('bbbbbbbbbbbbbbbb', T0 + 1);

    expect(log.accept('aaaaaaaaaaaaaaaa', T0 + 2)).toEqual({ seq: 1, ts: T0, fresh: false });
    expect(log.seq).toBe(2);
    expect(log.accept('cccccccccccccccc', T0 + 3).seq).toBe(3);
  });

  it('remembers an id 59,999 ms later even beyond the last 1,024 messages', () => {
    const log = new MessageLog();
    log.accept(id(0), T0);
    fill(log, 1, 2_000, T0, 0);

    expect(log.accept(id(0), T0 + 59_999)).toEqual({ seq: 1, ts: T0, fresh: false });
  });

  it('remembers an id among the last 1,024 messages however old', () => {
    const log = new MessageLog();
    log.accept(id(0), T0);
    fill(log, 1, 1_023, T0 + 1, 1);

    expect(log.accept(id(0), T0 + 3_600_000)).toEqual({ seq: 1, ts: T0, fresh: false });
  });

  it('forgets an id older than 60 s and beyond the last 1,024 messages: it gets a new seq', () => {
    const log = new MessageLog();
    log.accept(id(0), T0);
    fill(log, 1, 1_024, T0 + 1, 1);

    expect(log.accept(id(0), T0 + 60_000)).toEqual({ seq: 1_026, ts: T0 + 60_000, fresh: true });
  });

  it('remembers a forgotten id again from its new stamp', () => {
    const log = new MessageLog();
    log.accept(id(0), T0);
    fill(log, 1, 1_024, T0 + 1, 1);
    log.accept(id(0), T0 + 60_000);

    expect(log.accept(id(0), T0 + 60_001)).toEqual({ seq: 1_026, ts: T0 + 60_000, fresh: false });
  });

  it('holds every id of the last 60 s however many there are', () => {
    const log = new MessageLog();
    fill(log, 0, 3_000, T0, 10);

    expect(heldIds(log)).toBe(3_000);
  });

  it('keeps no more than the last 1,024 ids once older ones pass 60 s', () => {
    const log = new MessageLog();
    fill(log, 0, 5_000, T0, 100);

    expect(heldIds(log)).toBe(1_024);
  });

  it('drops a burst older than 60 s down to the last 1,024 ids on the next message', () => {
    const log = new MessageLog();
    fill(log, 0, 5_000, T0, 0);
    log.accept(id(5_000), T0 + 60_000);

    expect(heldIds(log)).toBe(1_024);
    expect(log.accept(id(3_977), T0 + 60_001)).toEqual({ seq: 3_978, ts: T0, fresh: false });
    expect(log.accept(id(3_976), T0 + 60_001)).toEqual({ seq: 5_002, ts: T0 + 60_001, fresh: true });
  });

  it('stamps like the plain model of docs/protocol.md §5 through retries, bursts and long gaps', () => {
    // The model: every id with its first stamp; remembered while within 60 s or the last 1,024 seqs.
    const step = fc.record({ id: fc.nat(40), gapMs: fc.oneof(fc.constant(0), fc.nat(50), fc.integer({ min: 30_000, max: 70_000 })), burst: fc.nat(1_100) });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const log = new MessageLog();
        const model = new Map<string, Omit<MessageStamp, 'fresh'>>();
        let lastSeq = 0;
        let now = T0;
        let filler = 0;
        const accept = (key: string): void => {
          const known = model.get(key);
          const expected =
            known && (now - known.ts < ID_MEMORY_MS || lastSeq - known.seq < ID_MEMORY_COUNT)
              ? { ...known, fresh: false }
              : { seq: ++lastSeq, ts: now, fresh: true };
          if (expected.fresh) model.set(key, { seq: expected.seq, ts: now });
          expect(log.accept(key, now)).toEqual(expected);
        };
        for (const { id: n, gapMs, burst } of steps) {
          now += gapMs;
          accept(id(n));
          const fillers = burst % 3 === 0 ? burst : 0;
          for (let b = 0; b < fillers; b++) accept(`filler-${filler++}`);
        }
        expect(log.seq).toBe(lastSeq);
      }),
      { numRuns: 60 },
    );
  });
});
