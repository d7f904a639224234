import { queryText } from './query-text';

describe('queryText', () => {
  it.each([
    ['Den', 'Den'],
    [undefined, ''],
    [null, ''],
    [['Den', 'Attic'], 'Den'],
    [[], ''],
    [42, ''],
  ])('turns %p into %p', (value, text) => {
    expect(queryText(value)).toBe(text);
  });
});
