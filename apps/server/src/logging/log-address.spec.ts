import { LogAddress } from './log-address';

const SECRET = 'a-token-secret-of-at-least-32-characters';

describe('LogAddress', () => {
  it('hashes an address alike in every process that shares the secret', () => {
    expect(new LogAddress('hashed', SECRET).format('203.0.113.7')).toBe(new LogAddress('hashed', SECRET).format('203.0.113.7'));
  });

  it('hashes an address differently under another secret, and without one', () => {
    const shared = new LogAddress('hashed', SECRET).format('203.0.113.7');

    expect(new LogAddress('hashed', `${SECRET}!`).format('203.0.113.7')).not.toBe(shared);
    expect(new LogAddress('hashed').format('203.0.113.7')).not.toBe(shared);
  });

  it('never shows the address when hashing', () => {
    expect(new LogAddress('hashed', SECRET).format('203.0.113.7')).toMatch(/^h:[0-9a-f]{16}$/);
  });

  it('shows the address as it is, or nothing, as LOG_IP says', () => {
    expect(new LogAddress('full', SECRET).format('203.0.113.7')).toBe('203.0.113.7');
    expect(new LogAddress('off', SECRET).format('203.0.113.7')).toBeUndefined();
  });
});
