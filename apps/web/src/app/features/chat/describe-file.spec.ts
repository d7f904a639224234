import { describeFile, humanSize } from './describe-file';

describe('humanSize', () => {
  it.each([
    [0, '0 bytes'],
    [1, '1 byte'],
    [999, '999 bytes'],
    [1_000, '1.0 kB'],
    [1_234, '1.2 kB'],
    [99_949, '99.9 kB'],
    [123_456, '123 kB'],
    [999_949, '1000 kB'],
    [999_950, '1.0 MB'],
    [1_234_567, '1.2 MB'],
    [8_388_608, '8.4 MB'],
    [123_456_789, '123 MB'],
  ])('reads %i bytes as %p', (bytes, text) => {
    expect(humanSize(bytes)).toBe(text);
  });
});

describe('describeFile', () => {
  it('names the types people know', () => {
    expect(describeFile('application/pdf', 1_234_567)).toBe('PDF document · 1.2 MB');
    expect(describeFile('application/vnd.openxmlformats-officedocument.wordprocessingml.document', 20_000)).toBe('Word document · 20.0 kB');
  });

  it('shows any other type as it is', () => {
    expect(describeFile('application/x-rar', 12)).toBe('application/x-rar · 12 bytes');
  });

  it('does not take an inherited property for a type name', () => {
    expect(describeFile('constructor', 1)).toBe('constructor · 1 byte');
  });
});
