import { Subject } from 'rxjs';
import { ApiProblem } from '../../core/api/api-problem';
import { type Availability, roomAvailability } from './room-availability';
import { ROOM_CHECKS_PER_MIN, RoomCheckBudget } from './room-check-budget';

describe('roomAvailability', () => {
  let names: Subject<string>;
  let seen: Availability[];
  let lookup: jest.Mock<Promise<boolean>, [string]>;
  let budget: RoomCheckBudget;

  beforeEach(() => {
    jest.useFakeTimers();
    names = new Subject<string>();
    seen = [];
    lookup = jest.fn();
    budget = new RoomCheckBudget();
    roomAvailability(names, lookup, { debounceMs: 400, budget }).subscribe((availability) => seen.push(availability));
  });

  afterEach(() => jest.useRealTimers());

  it('asks only after typing pauses for the debounce time', async () => {
    lookup.mockResolvedValue(true);
    names.next('D');
    names.next('De');
    names.next('Den');
    await jest.advanceTimersByTimeAsync(399);

    expect(lookup).not.toHaveBeenCalled();
    expect(seen.at(-1)).toEqual({ state: 'checking', name: 'Den' });

    await jest.advanceTimersByTimeAsync(1);

    expect(lookup).toHaveBeenCalledTimes(1);
    expect(lookup).toHaveBeenCalledWith('Den');
    expect(seen.at(-1)).toEqual({ state: 'exists', name: 'Den' });
  });

  it('reports a name the server does not know as free', async () => {
    lookup.mockResolvedValue(false);
    names.next('  Quiet corner ');
    await jest.advanceTimersByTimeAsync(400);

    expect(lookup).toHaveBeenCalledWith('Quiet corner');
    expect(seen.at(-1)).toEqual({ state: 'free', name: 'Quiet corner' });
  });

  it('reports other refusals and network failures as unknown', async () => {
    lookup.mockRejectedValueOnce(new ApiProblem('VALIDATION_FAILED', 400, 'not that name'));
    names.next('Den');
    await jest.advanceTimersByTimeAsync(400);
    expect(seen.at(-1)).toEqual({ state: 'unknown', name: 'Den' });

    lookup.mockRejectedValueOnce(new ApiProblem('NETWORK', 0, 'offline'));
    names.next('Attic');
    await jest.advanceTimersByTimeAsync(400);
    expect(seen.at(-1)).toEqual({ state: 'unknown', name: 'Attic' });
  });

  it('does not ask about names that break the naming rules', async () => {
    names.next('a/b');
    names.next('   ');
    await jest.advanceTimersByTimeAsync(1000);

    expect(lookup).not.toHaveBeenCalled();
    expect(seen.at(-1)).toEqual({ state: 'idle', name: '' });
  });

  it('does not ask again when only capitals or surrounding spaces change', async () => {
    lookup.mockResolvedValue(true);
    names.next('Den');
    await jest.advanceTimersByTimeAsync(400);
    names.next('den ');
    await jest.advanceTimersByTimeAsync(400);

    expect(lookup).toHaveBeenCalledTimes(1);
  });

  it('drops the answer for a name that has since changed', async () => {
    let answerFirst: (value: boolean) => void = () => undefined;
    lookup.mockImplementationOnce(() => new Promise((resolve) => (answerFirst = resolve)));
    lookup.mockResolvedValueOnce(false);
    names.next('Den');
    await jest.advanceTimersByTimeAsync(400);
    names.next('Attic');
    answerFirst(true);
    await jest.advanceTimersByTimeAsync(400);

    expect(seen.filter((availability) => availability.state === 'exists')).toEqual([]);
    expect(seen.at(-1)).toEqual({ state: 'free', name: 'Attic' });
  });

  it(`makes at most ${ROOM_CHECKS_PER_MIN} checks a minute, then checks the latest name once the oldest check is a minute old`, async () => {
    lookup.mockResolvedValue(false);
    for (let n = 0; n < ROOM_CHECKS_PER_MIN + 1; n++) {
      names.next(`Room ${n}`);
      await jest.advanceTimersByTimeAsync(1_000);
    }
    expect(lookup).toHaveBeenCalledTimes(ROOM_CHECKS_PER_MIN);
    expect(seen.at(-1)).toEqual({ state: 'checking', name: `Room ${ROOM_CHECKS_PER_MIN}` });

    await jest.advanceTimersByTimeAsync(60_000 - (ROOM_CHECKS_PER_MIN + 1) * 1_000 + 400);

    expect(lookup).toHaveBeenCalledTimes(ROOM_CHECKS_PER_MIN + 1);
    expect(lookup).toHaveBeenLastCalledWith(`Room ${ROOM_CHECKS_PER_MIN}`);
    expect(seen.at(-1)).toEqual({ state: 'free', name: `Room ${ROOM_CHECKS_PER_MIN}` });
  });

  it('after a rate limit, checks nothing until its Retry-After has passed', async () => {
    lookup.mockRejectedValueOnce(new ApiProblem('RATE_LIMITED', 429, 'slow down', 30));
    lookup.mockResolvedValue(true);
    names.next('Den');
    await jest.advanceTimersByTimeAsync(400);
    expect(seen.at(-1)).toEqual({ state: 'unknown', name: 'Den' });

    names.next('Attic');
    await jest.advanceTimersByTimeAsync(29_000);
    expect(lookup).toHaveBeenCalledTimes(1);

    await jest.advanceTimersByTimeAsync(1_000);
    expect(lookup).toHaveBeenLastCalledWith('Attic');
    expect(seen.at(-1)).toEqual({ state: 'exists', name: 'Attic' });
  });
});
