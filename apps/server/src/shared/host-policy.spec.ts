import type { IncomingMessage } from 'node:http';
import { trustPolicy } from './client-address';
import { HostPolicy, hostNameOf } from './host-policy';

function request(headers: Record<string, string>, peer = '203.0.113.7'): IncomingMessage {
  return { headers, socket: { remoteAddress: peer } } as unknown as IncomingMessage;
}

const off = trustPolicy('off');
const byDefault = new HostPolicy(undefined, undefined, off);
const withPublicOrigin = new HostPolicy('https://chat.example.com', ['https://other.example.org'], off);

describe('hostNameOf', () => {
  it.each([
    ['chat.example.com', 'chat.example.com'],
    ['Chat.Example.COM:8443', 'chat.example.com'],
    ['chat.example.com.', 'chat.example.com'],
    ['[::1]:3000', '[::1]'],
    ['[0:0:0:0:0:0:0:1]', '[::1]'],
    ['127.0.0.1:3000', '127.0.0.1'],
    ['bücher.example', 'xn--bcher-kva.example'],
  ])('reads %s as %s', (host, name) => {
    expect(hostNameOf(host)).toBe(name);
  });

  it.each(['', ' ', 'user@chat.example.com', 'chat.example.com/path', 'chat.example.com:port', 'a b', '[::1', 'chat%2eexample.com', 'chat.example.com:3000:1'])('refuses %p', (host) => {
    expect(hostNameOf(host)).toBeUndefined();
  });
});

describe('HostPolicy', () => {
  it.each(['localhost', 'localhost:3000', 'app.localhost', '127.0.0.1:3000', '10.0.0.5', '[::1]:3000', '[2001:db8::1]'])('serves %s by default', (host) => {
    expect(byDefault.allows(request({ host }))).toBe(true);
  });

  it.each(['chat.example.com', 'localhost.example.com', 'example.localhost.evil.example', '127.0.0.1.nip.io', ''])('refuses %p by default', (host) => {
    expect(byDefault.allows(request({ host }))).toBe(false);
  });

  it('allows a request without Host (not a browser)', () => {
    expect(byDefault.allows(request({}))).toBe(true);
  });

  it("serves PUBLIC_ORIGIN's host on any port, and nothing else (not ALLOWED_ORIGINS', not localhost)", () => {
    expect(withPublicOrigin.allows(request({ host: 'chat.example.com' }))).toBe(true);
    expect(withPublicOrigin.allows(request({ host: 'chat.example.com:3000' }))).toBe(true);
    for (const host of ['other.example.org', 'localhost', '127.0.0.1', 'evil.example']) expect(withPublicOrigin.allows(request({ host }))).toBe(false);
  });

  it('serves the hosts of ALLOWED_ORIGINS when PUBLIC_ORIGIN is unset', () => {
    const listed = new HostPolicy(undefined, ['https://a.example.org', 'http://b.example.org:8080'], off);

    expect(listed.allows(request({ host: 'a.example.org' }))).toBe(true);
    expect(listed.allows(request({ host: 'b.example.org:8080' }))).toBe(true);
    expect(listed.allows(request({ host: 'localhost' }))).toBe(false);
  });

  it('reads the first X-Forwarded-Host from a trusted proxy, and ignores it from anyone else', () => {
    const proxied = new HostPolicy('https://chat.example.com', undefined, trustPolicy('loopback'));

    expect(proxied.allows(request({ host: 'app:3000', 'x-forwarded-host': 'chat.example.com, evil.example' }, '127.0.0.1'))).toBe(true);
    expect(proxied.allows(request({ host: 'chat.example.com', 'x-forwarded-host': 'evil.example' }, '127.0.0.1'))).toBe(false);
    expect(proxied.allows(request({ host: 'evil.example', 'x-forwarded-host': 'chat.example.com' }))).toBe(false);
  });

  it('falls back to Host when the trusted proxy sends no X-Forwarded-Host', () => {
    const proxied = new HostPolicy('https://chat.example.com', undefined, trustPolicy('loopback'));

    expect(proxied.allows(request({ host: 'chat.example.com' }, '127.0.0.1'))).toBe(true);
  });
});
