import { type IncomingMessage } from 'node:http';
import { addressKey, clientAddress, fromTrustedProxy, normalizeAddress, trustPolicy } from './client-address';

/** The parts of an IncomingMessage that the client address comes from. */
function request(remoteAddress: string | undefined, forwardedFor?: string): IncomingMessage {
  const headers: Record<string, string> = forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor };
  return { socket: { remoteAddress }, headers } as unknown as IncomingMessage;
}

describe('trustPolicy', () => {
  it.each(['off', '', '  ', 'false', '0'])('trusts nothing for %j', (spec) => {
    const trust = trustPolicy(spec);

    expect([trust('127.0.0.1', 0), trust('10.0.0.1', 0), trust('::1', 1)]).toEqual([false, false, false]);
  });

  it('trusts loopback addresses for loopback', () => {
    const trust = trustPolicy('loopback');

    expect([trust('127.0.0.1', 0), trust('127.8.9.10', 0), trust('::1', 0), trust('::ffff:127.0.0.1', 0)]).toEqual([true, true, true, true]);
  });

  it('trusts no other address for loopback', () => {
    const trust = trustPolicy('loopback');

    expect([trust('10.0.0.1', 0), trust('198.51.100.1', 0), trust('2001:db8::1', 0)]).toEqual([false, false, false]);
  });

  it('trusts the addresses and CIDRs of a comma-separated list, spaces allowed', () => {
    const trust = trustPolicy(' 10.0.0.0/8 , 192.168.1.1,2001:db8::/32 ');

    expect([trust('10.200.3.4', 0), trust('192.168.1.1', 0), trust('2001:db8::7', 0)]).toEqual([true, true, true]);
  });

  it('trusts nothing outside the list', () => {
    const trust = trustPolicy('10.0.0.0/8,192.168.1.1');

    expect([trust('11.0.0.1', 0), trust('192.168.1.2', 0), trust('127.0.0.1', 0)]).toEqual([false, false, false]);
  });

  it('trusts an IPv4-mapped IPv6 address in a listed IPv4 range', () => {
    expect(trustPolicy('10.0.0.0/8')('::ffff:10.1.1.1', 0)).toBe(true);
  });

  it('trusts the first n hops whatever their address for a hop count', () => {
    const trust = trustPolicy('2');

    expect([trust('198.51.100.1', 0), trust('203.0.113.9', 1), trust('127.0.0.1', 2)]).toEqual([true, true, false]);
  });

  it('throws on a value it cannot read', () => {
    expect(() => trustPolicy('not-an-ip')).toThrow();
  });
});

describe('normalizeAddress', () => {
  it('turns an IPv4-mapped IPv6 address into IPv4', () => {
    expect(normalizeAddress('::ffff:127.0.0.2')).toBe('127.0.0.2');
  });

  it('turns an upper-case IPv4-mapped address into IPv4', () => {
    expect(normalizeAddress('::FFFF:203.0.113.7')).toBe('203.0.113.7');
  });

  it('leaves IPv4 and other IPv6 addresses as they are', () => {
    expect([normalizeAddress('203.0.113.7'), normalizeAddress('::1'), normalizeAddress('2001:db8::ffff:1.2.3.4')]).toEqual([
      '203.0.113.7',
      '::1',
      '2001:db8::ffff:1.2.3.4',
    ]);
  });
});

describe('clientAddress', () => {
  it('is the peer when nothing is trusted', () => {
    expect(clientAddress(request('203.0.113.7'), trustPolicy('off'))).toBe('203.0.113.7');
  });

  it('ignores X-Forwarded-For from an untrusted peer', () => {
    expect(clientAddress(request('203.0.113.7', '198.51.100.1'), trustPolicy('loopback'))).toBe('203.0.113.7');
  });

  it('ignores X-Forwarded-For when trust is off, even from loopback', () => {
    expect(clientAddress(request('127.0.0.1', '198.51.100.1'), trustPolicy('off'))).toBe('127.0.0.1');
  });

  it('takes X-Forwarded-For from a trusted peer', () => {
    expect(clientAddress(request('127.0.0.1', '198.51.100.1'), trustPolicy('loopback'))).toBe('198.51.100.1');
  });

  it('is the trusted peer itself when it sends no X-Forwarded-For', () => {
    expect(clientAddress(request('127.0.0.1'), trustPolicy('loopback'))).toBe('127.0.0.1');
  });

  it('takes the right-most X-Forwarded-For entry, not one the client wrote itself', () => {
    expect(clientAddress(request('127.0.0.1', '6.6.6.6, 198.51.100.1'), trustPolicy('loopback'))).toBe('198.51.100.1');
  });

  it('passes over trusted proxies in the chain to the right-most untrusted entry', () => {
    const trust = trustPolicy('10.0.0.0/8');

    expect(clientAddress(request('10.0.0.2', '6.6.6.6, 198.51.100.1, 10.0.0.1, 10.9.9.9'), trust)).toBe('198.51.100.1');
  });

  it('stops at the first untrusted entry even when a trusted one lies beyond it', () => {
    const trust = trustPolicy('10.0.0.0/8');

    expect(clientAddress(request('10.0.0.2', '10.0.0.3, 198.51.100.1'), trust)).toBe('198.51.100.1');
  });

  it('takes the entry one hop in for a hop count of 1', () => {
    expect(clientAddress(request('203.0.113.200', '6.6.6.6, 198.51.100.1'), trustPolicy('1'))).toBe('198.51.100.1');
  });

  it('takes the entry two hops in for a hop count of 2', () => {
    expect(clientAddress(request('203.0.113.200', '6.6.6.6, 198.51.100.1, 203.0.113.100'), trustPolicy('2'))).toBe('198.51.100.1');
  });

  it('normalises an IPv4-mapped peer', () => {
    expect(clientAddress(request('::ffff:127.0.0.2'), trustPolicy('off'))).toBe('127.0.0.2');
  });

  it('trusts an IPv4-mapped loopback peer and takes its X-Forwarded-For', () => {
    expect(clientAddress(request('::ffff:127.0.0.1', '198.51.100.1'), trustPolicy('loopback'))).toBe('198.51.100.1');
  });

  it('normalises an IPv4-mapped X-Forwarded-For entry', () => {
    expect(clientAddress(request('127.0.0.1', '::ffff:198.51.100.1'), trustPolicy('loopback'))).toBe('198.51.100.1');
  });

  it('passes over an IPv4-mapped trusted proxy in X-Forwarded-For', () => {
    const trust = trustPolicy('10.0.0.0/8');

    expect(clientAddress(request('10.0.0.2', '198.51.100.1, ::ffff:10.0.0.1'), trust)).toBe('198.51.100.1');
  });

  it('keeps an IPv6 client address as it is', () => {
    expect(clientAddress(request('::1', '2001:db8::5'), trustPolicy('loopback'))).toBe('2001:db8::5');
  });

  it('is "unknown" when the socket has no peer address', () => {
    expect(clientAddress(request(undefined, '198.51.100.1'), trustPolicy('loopback'))).toBe('unknown');
  });
});

describe('fromTrustedProxy', () => {
  it('is true for a trusted peer', () => {
    expect(fromTrustedProxy(request('127.0.0.1'), trustPolicy('loopback'))).toBe(true);
  });

  it('is false for an untrusted peer', () => {
    expect(fromTrustedProxy(request('203.0.113.7'), trustPolicy('loopback'))).toBe(false);
  });

  it('is true for an IPv4-mapped peer in a trusted IPv4 range', () => {
    expect(fromTrustedProxy(request('::ffff:10.0.0.2'), trustPolicy('10.0.0.0/8'))).toBe(true);
  });

  it('is true for any peer under a hop count', () => {
    expect(fromTrustedProxy(request('203.0.113.7'), trustPolicy('1'))).toBe(true);
  });

  it('is false when trust is off', () => {
    expect(fromTrustedProxy(request('127.0.0.1'), trustPolicy('off'))).toBe(false);
  });

  it('is false without a peer address', () => {
    expect(fromTrustedProxy(request(undefined), trustPolicy('1'))).toBe(false);
  });
});

describe('addressKey', () => {
  it('keys an IPv4 address on itself', () => {
    expect(addressKey('203.0.113.7', 64)).toBe('203.0.113.7');
  });

  it('keys every address of one IPv6 /64 alike', () => {
    const keys = ['2001:db8:1:2::1', '2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:0db8:0001:0002:1234:5678:9abc:def0'].map((address) => addressKey(address, 64));

    expect(keys).toEqual(['2001:db8:1:2::/64', '2001:db8:1:2::/64', '2001:db8:1:2::/64']);
  });

  it('keys addresses of neighbouring /64s apart', () => {
    expect(addressKey('2001:db8:1:3::1', 64)).not.toBe(addressKey('2001:db8:1:2::1', 64));
  });

  it('keys on the configured prefix length, bit by bit', () => {
    expect([addressKey('2001:db8:1:2ff::1', 56), addressKey('2001:db8:1:200::1', 56), addressKey('2001:db8::7', 128)]).toEqual([
      '2001:db8:1:200::/56',
      '2001:db8:1:200::/56',
      '2001:db8::7/128',
    ]);
  });

  it('reads compressed, zoned and dotted-tail forms', () => {
    expect([addressKey('::1', 64), addressKey('fe80::1%eth0', 64), addressKey('64:ff9b::192.0.2.33', 96)]).toEqual(['::/64', 'fe80::/64', '64:ff9b::/96']);
  });

  it('leaves what is no address as it is', () => {
    expect(addressKey('unknown', 64)).toBe('unknown');
  });
});
