import { RecentIds } from './recent-ids';

describe('RecentIds', () => {
  it('remembers what was added', () => {
    const ids = new RecentIds(3);
    ids.add('a');

    expect(ids.has('a')).toBe(true);
    expect(ids.has('b')).toBe(false);
  });

  it('forgets the oldest id once it holds more than its capacity', () => {
    const ids = new RecentIds(3);
    for (const id of ['a', 'b', 'c', 'd']) ids.add(id);

    expect(ids.size).toBe(3);
    expect(['a', 'b', 'c', 'd'].map((id) => ids.has(id))).toEqual([false, true, true, true]);
  });

  it('counts an id added again as new', () => {
    const ids = new RecentIds(3);
    for (const id of ['a', 'b', 'c', 'a', 'd']) ids.add(id);

    expect(['a', 'b', 'c', 'd'].map((id) => ids.has(id))).toEqual([true, false, true, true]);
  });
});
