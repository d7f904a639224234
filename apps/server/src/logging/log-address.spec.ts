import { randomBytes } from 'node:crypto';
import { LogAddress } from './log-address';

describe('LogAddress', () => {
  const key = randomBytes(32);

  it('hashes an address alike under one key (every process of a deployment shares it)', () => {
    expect(new LogAddress('hashed', key).format('203.0.113.7')).toBe(new LogAddress('hashed', Buffer.from(key)).format('203.0.113.7'));
  });

  it('hashes an address differently under another key (after a cold start)', () => {
    expect(new LogAddress('hashed', randomBytes(32)).format('203.0.113.7')).not.toBe(new LogAddress('hashed', key).format('203.0.113.7'));
  });

  it('uses one key per process without a shared one', () => {
    expect(new LogAddress('hashed').format('203.0.113.7')).toBe(new LogAddress('hashed').format('203.0.113.7'));
    expect(new LogAddress('hashed').format('203.0.113.7')).not.toBe(new LogAddress('hashed', key).format('203.0.113.7'));
  });

  it('never shows the address when hashing', () => {
    expect(new LogAddress('hashed', key).format('203.0.113.7')).toMatch(/^h:[0-9a-f]{16}$/);
  });

  it('shows the address as it is, or nothing, as LOG_IP says', () => {
    expect(new LogAddress('full', key).format('203.0.113.7')).toBe('203.0.113.7');
    expect(new LogAddress('off', key).format('203.0.113.7')).toBeUndefined();
  });
});
