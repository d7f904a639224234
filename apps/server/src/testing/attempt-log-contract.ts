import type { AttemptLog } from '../shared/attempt-log';

const T0 = 1_700_000_000_000;
const WINDOW = 60_000;

/** The AttemptLog contract; every adapter's spec runs it. */
export function attemptLogContract(makeLog: () => AttemptLog | Promise<AttemptLog>): void {
  let log: AttemptLog;

  beforeEach(async () => {
    log = await makeLog();
  });

  it('has no attempts for a new key', async () => {
    expect(await log.recent('a', T0, WINDOW)).toEqual([]);
  });

  it('answers the times recorded, oldest first, twice at the same time too', async () => {
    await log.record('a', T0, WINDOW);
    await log.record('a', T0 + 5, WINDOW);
    await log.record('a', T0 + 5, WINDOW);

    expect(await log.recent('a', T0 + 10, WINDOW)).toEqual([T0, T0 + 5, T0 + 5]);
  });

  it('keeps each key apart', async () => {
    await log.record('a', T0, WINDOW);

    expect(await log.recent('b', T0, WINDOW)).toEqual([]);
  });

  it('counts an attempt until the window has passed over it, not after', async () => {
    await log.record('a', T0, WINDOW);

    expect(await log.recent('a', T0 + WINDOW - 1, WINDOW)).toEqual([T0]);
    expect(await log.recent('a', T0 + WINDOW, WINDOW)).toEqual([]);
  });

  it('leaves out attempts after now (the clock stepped back)', async () => {
    await log.record('a', T0 + 1_000, WINDOW);

    expect(await log.recent('a', T0, WINDOW)).toEqual([]);
  });

  it('keeps every attempt recorded at once', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, n) => log.record('a', T0 + n, WINDOW)));

    expect(await log.recent('a', T0 + 100, WINDOW)).toHaveLength(20);
  });
}
