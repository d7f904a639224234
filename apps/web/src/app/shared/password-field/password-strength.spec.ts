import { passwordStrength } from './password-strength';

describe('passwordStrength', () => {
  it.each([
    ['', 'weak'],
    ['password', 'weak'],
    ['aaaaaaaaaaaaaaaa', 'weak'],
    ['12345678', 'weak'],
    ['Tr0ub4dor&3', 'fair'],
    ['correct horse battery staple', 'fair'],
    ['k7#Qm2!vR9$wLx4@', 'strong'],
    ['abandon ability able about above absent', 'strong'],
  ])('rates %p as %s', (password, level) => {
    expect(passwordStrength(password).level).toBe(level);
  });

  it('counts words of a passphrase at 11 bits each', () => {
    expect(passwordStrength('correct horse battery staple').bits).toBe(44);
    expect(passwordStrength('abandon ability able about above absent').bits).toBe(66);
  });

  it('gives more bits for more character classes at the same length', () => {
    expect(passwordStrength('abcdefgh').bits).toBeLessThan(passwordStrength('abcdEFG1').bits);
    expect(passwordStrength('abcdEFG1').bits).toBeLessThan(passwordStrength('abcdEF1!').bits);
  });

  it('counts repeated characters for less', () => {
    expect(passwordStrength('abababab').bits).toBeLessThan(passwordStrength('abcdefgh').bits);
  });
});
