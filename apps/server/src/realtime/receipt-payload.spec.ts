import { parseReceipt } from './receipt-payload';

describe('parseReceipt', () => {
  it('keeps a seq', () => {
    expect(parseReceipt({ seq: 3 })).toEqual({ seq: 3 });
  });

  it('keeps a missed with 1 <= from <= to <= seq', () => {
    expect(parseReceipt({ seq: 3, missed: { from: 1, to: 3 } })).toEqual({ seq: 3, missed: { from: 1, to: 3 } });
    expect(parseReceipt({ seq: 3, missed: { from: 2, to: 2 } })).toEqual({ seq: 3, missed: { from: 2, to: 2 } });
  });

  it('keeps the largest safe integer', () => {
    expect(parseReceipt({ seq: Number.MAX_SAFE_INTEGER })).toEqual({ seq: Number.MAX_SAFE_INTEGER });
  });

  it('leaves out every other field, in the receipt and in its missed', () => {
    const parsed = parseReceipt({ seq: 2, name: 'mallory', extra: true, missed: { from: 1, to: 2, note: 'x' } });

    expect(parsed).toEqual({ seq: 2, missed: { from: 1, to: 2 } });
    expect(Object.keys(parsed ?? {})).toEqual(['seq', 'missed']);
    expect(Object.keys(parsed?.missed ?? {})).toEqual(['from', 'to']);
  });

  it('leaves out an own property named __proto__', () => {
    const parsed = parseReceipt(JSON.parse('{ "seq": 1, "__proto__": { "polluted": true } }'));

    expect(parsed).toEqual({ seq: 1 });
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 3],
    ['a string', '3'],
    ['an array', [3]],
    ['no seq', {}],
    ['seq 0', { seq: 0 }],
    ['a negative seq', { seq: -1 }],
    ['a fractional seq', { seq: 1.5 }],
    ['a seq as a string', { seq: '3' }],
    ['a seq of null', { seq: null }],
    ['a seq of 2^53', { seq: 2 ** 53 }],
    ['an infinite seq', { seq: Infinity }],
    ['NaN', { seq: NaN }],
  ])('drops %s', (_label, payload) => {
    expect(parseReceipt(payload)).toBeUndefined();
  });

  it.each([
    ['null', null],
    ['a string', '1-2'],
    ['an array', [1, 2]],
    ['no to', { from: 1 }],
    ['no from', { to: 1 }],
    ['from above to', { from: 3, to: 2 }],
    ['to above seq', { from: 1, to: 4 }],
    ['from below 1', { from: 0, to: 2 }],
    ['a fractional from', { from: 1.5, to: 2 }],
    ['a fractional to', { from: 1, to: 2.5 }],
    ['a from as a string', { from: '1', to: 2 }],
  ])('drops a receipt whose missed is %s', (_label, missed) => {
    expect(parseReceipt({ seq: 3, missed })).toBeUndefined();
  });
});
