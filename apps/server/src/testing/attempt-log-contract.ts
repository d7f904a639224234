import type { AttemptLog, AttemptReservation } from '../membership/application/ports/attempt-log';

const T0 = 1_700_000_000_000;
const WINDOW = 60_000;

const granted = { ok: true, ticket: expect.any(String), free: expect.any(Number) };

function ticketOf(reservation: AttemptReservation): string {
  if (!reservation.ok) throw new Error('expected a slot');
  return reservation.ticket;
}

/** The AttemptLog contract; every adapter's spec runs it. */
export function attemptLogContract(makeLog: () => AttemptLog | Promise<AttemptLog>): void {
  let log: AttemptLog;

  beforeEach(async () => {
    log = await makeLog();
  });

  async function reserveTimes(key: string, times: number, at = T0, limit = 5): Promise<AttemptReservation[]> {
    const reservations: AttemptReservation[] = [];
    for (let n = 0; n < times; n++) reservations.push(await log.reserve(key, at, WINDOW, limit));
    return reservations;
  }

  it('grants slots up to the limit', async () => {
    expect(await reserveTimes('a', 5)).toEqual(Array(5).fill(granted));
  });

  it('tells how many slots were still free once each was taken', async () => {
    const free = (await reserveTimes('a', 3, T0, 3)).map((reservation) => (reservation.ok ? reservation.free : undefined));

    expect(free).toEqual([2, 1, 0]);
  });

  it('counts a released slot as free again, and those that left the window', async () => {
    const [first] = await reserveTimes('a', 2, T0, 3);
    await log.release('a', ticketOf(first!));

    expect(await log.reserve('a', T0 + 1, WINDOW, 3)).toEqual({ ...granted, free: 1 });
    expect(await log.reserve('a', T0 + WINDOW, WINDOW, 3)).toEqual({ ...granted, free: 1 });
  });

  it('refuses a slot beyond the limit, with the time until the oldest leaves the window', async () => {
    await log.reserve('a', T0, WINDOW, 2);
    await log.reserve('a', T0 + 10_000, WINDOW, 2);

    expect(await log.reserve('a', T0 + 15_000, WINDOW, 2)).toEqual({ ok: false, retryAfterMs: 45_000 });
  });

  it('does not count a refused reservation', async () => {
    await reserveTimes('a', 2, T0, 2);
    await reserveTimes('a', 10, T0 + 1_000, 2);

    expect(await log.reserve('a', T0 + WINDOW, WINDOW, 2)).toEqual(granted);
  });

  it('keeps each key apart', async () => {
    await reserveTimes('a', 2, T0, 2);

    expect(await log.reserve('b', T0, WINDOW, 2)).toEqual(granted);
  });

  it('hands out distinct tickets, twice in the same millisecond too', async () => {
    const tickets = (await reserveTimes('a', 3)).map(ticketOf);

    expect(new Set(tickets).size).toBe(3);
  });

  it('slides: frees a slot when the oldest leaves the window, not before', async () => {
    await log.reserve('a', T0, WINDOW, 2);
    await log.reserve('a', T0 + 10_000, WINDOW, 2);

    expect((await log.reserve('a', T0 + WINDOW - 1, WINDOW, 2)).ok).toBe(false);
    expect(await log.reserve('a', T0 + WINDOW, WINDOW, 2)).toEqual(granted);
    expect(await log.reserve('a', T0 + WINDOW + 1, WINDOW, 2)).toEqual({ ok: false, retryAfterMs: 10_000 - 1 });
  });

  it('gives a released slot back', async () => {
    const [first] = await reserveTimes('a', 2, T0, 2);
    await log.release('a', ticketOf(first!));

    expect(await log.reserve('a', T0 + 1, WINDOW, 2)).toEqual(granted);
    expect((await log.reserve('a', T0 + 2, WINDOW, 2)).ok).toBe(false);
  });

  it('gives a slot back once only, however often it is released', async () => {
    const [first] = await reserveTimes('a', 2, T0, 2);
    await log.release('a', ticketOf(first!));
    await log.release('a', ticketOf(first!));
    await log.reserve('a', T0 + 1, WINDOW, 2);

    expect((await log.reserve('a', T0 + 2, WINDOW, 2)).ok).toBe(false);
  });

  it('frees nothing in a later window when a slot is released after it left its own', async () => {
    const [old] = await reserveTimes('a', 1, T0, 2);
    await reserveTimes('a', 2, T0 + WINDOW, 2);
    await log.release('a', ticketOf(old!));

    expect((await log.reserve('a', T0 + WINDOW + 1, WINDOW, 2)).ok).toBe(false);
  });

  it('ignores slots taken after now (the clock stepped back)', async () => {
    await reserveTimes('a', 2, T0 + 1_000, 2);

    expect(await log.reserve('a', T0, WINDOW, 2)).toEqual(granted);
  });

  it('grants exactly the limit of many reservations at once', async () => {
    const reservations = await Promise.all(Array.from({ length: 20 }, (_, n) => log.reserve('a', T0 + n, WINDOW, 5)));

    expect(reservations.filter((reservation) => reservation.ok)).toHaveLength(5);
    expect((await log.reserve('a', T0 + 100, WINDOW, 5)).ok).toBe(false);
  });
}
