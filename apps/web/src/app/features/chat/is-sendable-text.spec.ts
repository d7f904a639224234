import { isSendableText } from './is-sendable-text';

describe('isSendableText', () => {
  it('refuses blank texts', () => {
    expect(isSendableText('')).toBe(false);
    expect(isSendableText('  \n\t ')).toBe(false);
  });

  it('accepts up to 10,000 code points, and refuses one more', () => {
    expect(isSendableText('😀'.repeat(10_000))).toBe(true);
    expect(isSendableText('x'.repeat(10_001))).toBe(false);
  });
});
