import { bearerMatches } from './bearer-token';

describe('bearerMatches', () => {
  const token = 'metrics-token-0123456789abcdef';

  it('accepts the exact bearer token', () => {
    expect(bearerMatches(`Bearer ${token}`, token)).toBe(true);
  });

  it('accepts the scheme in any case, as RFC 7235 allows', () => {
    expect(bearerMatches(`bearer ${token}`, token)).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['the scheme alone', 'Bearer '],
    ['another scheme', `Basic ${token}`],
    ['a prefix of the token', `Bearer ${token.slice(0, -1)}`],
    ['the token with something after it', `Bearer ${token}x`],
    ['the token without a scheme', token],
    ['two tokens', `Bearer ${token} ${token}`],
  ])('refuses %s', (_case, header) => {
    expect(bearerMatches(header, token)).toBe(false);
  });
});
