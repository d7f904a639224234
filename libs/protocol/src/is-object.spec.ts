import { isObject } from './is-object';

describe('isObject', () => {
  it.each([{}, { a: 1 }, Object.create(null) as object, new Date(0)])('accepts %p', (value) => {
    expect(isObject(value)).toBe(true);
  });

  it.each([null, undefined, [], [1], 'text', 42, true, () => 1])('refuses %p', (value) => {
    expect(isObject(value)).toBe(false);
  });
});
