import { Subject } from 'rxjs';
import { ApiProblem } from '../../core/api/api-problem';
import { type Availability, roomAvailability } from './room-availability';

describe('roomAvailability', () => {
  let names: Subject<string>;
  let seen: Availability[];
  let lookup: jest.Mock<Promise<unknown>, [string]>;

  beforeEach(() => {
    jest.useFakeTimers();
    names = new Subject<string>();
    seen = [];
    lookup = jest.fn();
    roomAvailability(names, lookup, 400).subscribe((availability) => seen.push(availability));
  });

  afterEach(() => jest.useRealTimers());

  it('asks only after typing pauses for the debounce time', async () => {
    lookup.mockResolvedValue({});
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
    lookup.mockRejectedValue(new ApiProblem('ROOM_NOT_FOUND', 404, 'no room'));
    names.next('  Quiet corner ');
    await jest.advanceTimersByTimeAsync(400);

    expect(lookup).toHaveBeenCalledWith('Quiet corner');
    expect(seen.at(-1)).toEqual({ state: 'free', name: 'Quiet corner' });
  });

  it('reports other refusals and network failures as unknown', async () => {
    lookup.mockRejectedValueOnce(new ApiProblem('RATE_LIMITED', 429, 'slow down'));
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
    lookup.mockResolvedValue({});
    names.next('Den');
    await jest.advanceTimersByTimeAsync(400);
    names.next('den ');
    await jest.advanceTimersByTimeAsync(400);

    expect(lookup).toHaveBeenCalledTimes(1);
  });

  it('drops the answer for a name that has since changed', async () => {
    let answerFirst: (value: unknown) => void = () => undefined;
    lookup.mockImplementationOnce(() => new Promise((resolve) => (answerFirst = resolve)));
    lookup.mockRejectedValueOnce(new ApiProblem('ROOM_NOT_FOUND', 404, 'no room'));
    names.next('Den');
    await jest.advanceTimersByTimeAsync(400);
    names.next('Attic');
    answerFirst({});
    await jest.advanceTimersByTimeAsync(400);

    expect(seen.filter((availability) => availability.state === 'exists')).toEqual([]);
    expect(seen.at(-1)).toEqual({ state: 'free', name: 'Attic' });
  });
});
