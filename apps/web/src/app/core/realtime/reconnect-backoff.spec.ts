import { RECONNECT_DELAY_MAX_MS, RECONNECT_DELAY_MS, ReconnectBackoff } from './reconnect-backoff';

describe('ReconnectBackoff', () => {
  let backoff: ReconnectBackoff;
  let reconnects: number;
  const reconnect = () => reconnects++;

  beforeEach(() => {
    jest.useFakeTimers();
    backoff = new ReconnectBackoff();
    reconnects = 0;
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  /** How long the next scheduled reconnect waits, in steps of 100 ms. */
  function nextDelay(): number {
    const before = reconnects;
    backoff.schedule(reconnect);
    let waited = 0;
    while (reconnects === before && waited < 10_000) {
      jest.advanceTimersByTime(100);
      waited += 100;
    }
    return waited;
  }

  it('waits 500 ms, doubling up to 5 s', () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.5); // no jitter

    expect([1, 2, 3, 4, 5, 6].map(() => nextDelay())).toEqual([500, 1000, 2000, 4000, 5000, 5000]);
    expect(RECONNECT_DELAY_MS).toBe(500);
    expect(RECONNECT_DELAY_MAX_MS).toBe(5000);
  });

  it('randomizes each delay by up to half of it', () => {
    jest.spyOn(Math, 'random').mockReturnValue(0);
    backoff.schedule(reconnect);

    jest.advanceTimersByTime(249);
    expect(reconnects).toBe(0);
    jest.advanceTimersByTime(1);
    expect(reconnects).toBe(1);
  });

  it('starts over from 500 ms after a reset', () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    nextDelay();
    nextDelay();

    backoff.reset();

    expect(nextDelay()).toBe(500);
  });

  it('keeps one reconnect waiting at a time', () => {
    backoff.schedule(reconnect);
    backoff.schedule(reconnect);
    jest.advanceTimersByTime(60_000);

    expect(reconnects).toBe(1);
  });

  it('drops the waiting reconnect when cancelled', () => {
    backoff.schedule(reconnect);
    backoff.cancel();
    jest.advanceTimersByTime(60_000);

    expect(reconnects).toBe(0);
  });
});
