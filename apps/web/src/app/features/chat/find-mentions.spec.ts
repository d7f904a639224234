import { findMentions, mentionsName } from './find-mentions';

describe('findMentions', () => {
  const names = ['Ada', 'Ada Lovelace', 'Bo', 'Zoë', 'bob.smith'];

  it('finds @name of a member anywhere a word can start, comparing names by their lower-cased form', () => {
    expect(findMentions('@ada hi (@ZOË) and @Bo!', names)).toEqual([
      { start: 0, end: 4, name: 'Ada' },
      { start: 9, end: 13, name: 'Zoë' },
      { start: 19, end: 22, name: 'Bo' },
    ]);
  });

  it('takes the longest name that fits (names may hold spaces and dots)', () => {
    expect(findMentions('@Ada Lovelace, @Ada Love, @bob.smith.', names).map((mention) => mention.name)).toEqual(['Ada Lovelace', 'Ada', 'bob.smith']);
  });

  it('finds nothing inside a word, an e-mail address, or a longer name', () => {
    expect(findMentions('mail ada@Bo or x@Ada; @Bob, @Adam, @@Ada, @ Ada', names)).toEqual([]);
  });

  it('finds nothing without members', () => {
    expect(findMentions('@Ada', [])).toEqual([]);
  });

  it('says whether a text mentions one name', () => {
    expect(mentionsName('ping @bo', 'Bo')).toBe(true);
    expect(mentionsName('ping bo', 'Bo')).toBe(false);
  });
});
