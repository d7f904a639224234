import { type IncomingMessage } from 'node:http';
import { trustPolicy } from './client-address';
import { OriginPolicy } from './origin-policy';

interface FakeRequest {
  origin?: string;
  host?: string;
  forwardedProto?: string;
  forwardedHost?: string;
  peer?: string;
  encrypted?: boolean;
  fetchSite?: string;
}

function request(fake: FakeRequest): IncomingMessage {
  const headers: Record<string, string> = {};
  if (fake.origin !== undefined) headers['origin'] = fake.origin;
  if (fake.host !== undefined) headers['host'] = fake.host;
  if (fake.forwardedProto !== undefined) headers['x-forwarded-proto'] = fake.forwardedProto;
  if (fake.forwardedHost !== undefined) headers['x-forwarded-host'] = fake.forwardedHost;
  if (fake.fetchSite !== undefined) headers['sec-fetch-site'] = fake.fetchSite;
  const socket = fake.encrypted ? { remoteAddress: fake.peer ?? '203.0.113.7', encrypted: true } : { remoteAddress: fake.peer ?? '203.0.113.7' };
  return { headers, socket } as unknown as IncomingMessage;
}

const sameOrigin = new OriginPolicy(undefined, trustPolicy('off'));
const behindLoopbackProxy = new OriginPolicy(undefined, trustPolicy('loopback'));

describe('OriginPolicy', () => {
  it('allows a request without Origin', () => {
    expect(sameOrigin.allows(request({ host: 'chat.example.com' }))).toBe(true);
  });

  it('allows a request without Origin even where ALLOWED_ORIGINS is set', () => {
    expect(new OriginPolicy(['https://chat.example.com'], trustPolicy('off')).allows(request({ host: 'x' }))).toBe(true);
  });

  it('allows the same origin over http', () => {
    expect(sameOrigin.allows(request({ origin: 'http://chat.example.com:3000', host: 'chat.example.com:3000' }))).toBe(true);
  });

  it('allows the same origin over https on an encrypted socket', () => {
    expect(sameOrigin.allows(request({ origin: 'https://chat.example.com', host: 'chat.example.com', encrypted: true }))).toBe(true);
  });

  it('refuses an https Origin on a plain socket', () => {
    expect(sameOrigin.allows(request({ origin: 'https://chat.example.com', host: 'chat.example.com' }))).toBe(false);
  });

  it('refuses an http Origin on an encrypted socket', () => {
    expect(sameOrigin.allows(request({ origin: 'http://chat.example.com', host: 'chat.example.com', encrypted: true }))).toBe(false);
  });

  it('compares the host without regard to case and default ports', () => {
    expect(sameOrigin.allows(request({ origin: 'http://chat.example.com', host: 'Chat.Example.COM:80' }))).toBe(true);
  });

  it('refuses a foreign origin', () => {
    expect(sameOrigin.allows(request({ origin: 'https://evil.example.net', host: 'chat.example.com' }))).toBe(false);
  });

  it('refuses the same host on another port', () => {
    expect(sameOrigin.allows(request({ origin: 'http://chat.example.com:3001', host: 'chat.example.com:3000' }))).toBe(false);
  });

  it('refuses Origin null', () => {
    expect(sameOrigin.allows(request({ origin: 'null', host: 'chat.example.com' }))).toBe(false);
  });

  it('refuses an Origin that is not an http(s) origin', () => {
    expect(sameOrigin.allows(request({ origin: 'file://chat.example.com', host: 'chat.example.com' }))).toBe(false);
  });

  it('refuses any Origin when the request has no Host', () => {
    expect(sameOrigin.allows(request({ origin: 'http://chat.example.com' }))).toBe(false);
  });

  it('allows an origin of the ALLOWED_ORIGINS list', () => {
    const policy = new OriginPolicy(['https://chat.example.com', 'https://other.example.org'], trustPolicy('off'));

    expect(policy.allows(request({ origin: 'https://other.example.org', host: 'internal:3000' }))).toBe(true);
  });

  it('refuses the server own origin when ALLOWED_ORIGINS does not list it', () => {
    const policy = new OriginPolicy(['https://chat.example.com'], trustPolicy('off'));

    expect(policy.allows(request({ origin: 'http://internal:3000', host: 'internal:3000' }))).toBe(false);
  });

  it('refuses an origin outside the ALLOWED_ORIGINS list', () => {
    const policy = new OriginPolicy(['https://chat.example.com'], trustPolicy('off'));

    expect(policy.allows(request({ origin: 'https://evil.example.net', host: 'internal:3000' }))).toBe(false);
  });

  it('refuses Origin null even where ALLOWED_ORIGINS is set', () => {
    const policy = new OriginPolicy(['https://chat.example.com'], trustPolicy('off'));

    expect(policy.allows(request({ origin: 'null', host: 'chat.example.com' }))).toBe(false);
  });

  it('takes the scheme and host from X-Forwarded-Proto and X-Forwarded-Host of a trusted proxy', () => {
    const forwarded = request({ origin: 'https://chat.example.com', host: '127.0.0.1:3000', forwardedProto: 'https', forwardedHost: 'chat.example.com', peer: '127.0.0.1' });

    expect(behindLoopbackProxy.allows(forwarded)).toBe(true);
  });

  it('refuses the internal origin once a trusted proxy forwards another host', () => {
    const forwarded = request({ origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000', forwardedProto: 'https', forwardedHost: 'chat.example.com', peer: '127.0.0.1' });

    expect(behindLoopbackProxy.allows(forwarded)).toBe(false);
  });

  it('takes only X-Forwarded-Proto when a trusted proxy forwards no host', () => {
    const forwarded = request({ origin: 'https://chat.example.com', host: 'chat.example.com', forwardedProto: 'https', peer: '127.0.0.1' });

    expect(behindLoopbackProxy.allows(forwarded)).toBe(true);
  });

  it('takes the first value of a forwarded list', () => {
    const forwarded = request({
      origin: 'https://chat.example.com',
      host: '127.0.0.1:3000',
      forwardedProto: 'https, http',
      forwardedHost: 'chat.example.com, 127.0.0.1:3000',
      peer: '127.0.0.1',
    });

    expect(behindLoopbackProxy.allows(forwarded)).toBe(true);
  });

  it('honours forwarded headers from an IPv4-mapped trusted peer', () => {
    const forwarded = request({ origin: 'https://chat.example.com', host: 'internal', forwardedProto: 'https', forwardedHost: 'chat.example.com', peer: '::ffff:127.0.0.1' });

    expect(behindLoopbackProxy.allows(forwarded)).toBe(true);
  });

  it('ignores X-Forwarded-Proto and X-Forwarded-Host from an untrusted peer', () => {
    const spoofed = request({ origin: 'https://evil.example.net', host: 'chat.example.com', forwardedProto: 'https', forwardedHost: 'evil.example.net', peer: '203.0.113.7' });

    expect(behindLoopbackProxy.allows(spoofed)).toBe(false);
  });

  it('keeps the Host origin for an untrusted peer that sends forwarded headers', () => {
    const spoofed = request({ origin: 'http://chat.example.com', host: 'chat.example.com', forwardedProto: 'https', forwardedHost: 'evil.example.net', peer: '203.0.113.7' });

    expect(behindLoopbackProxy.allows(spoofed)).toBe(true);
  });

  it('ignores forwarded headers when trust is off, even from loopback', () => {
    const spoofed = request({ origin: 'https://evil.example.net', host: 'chat.example.com', forwardedProto: 'https', forwardedHost: 'evil.example.net', peer: '127.0.0.1' });

    expect(sameOrigin.allows(spoofed)).toBe(false);
  });

  describe('allowsApiRequest (every /api request, GET included)', () => {
    it('allows a request with neither Origin nor Sec-Fetch-Site (not a browser)', () => {
      expect(sameOrigin.allowsApiRequest(request({ host: 'chat.example.com' }))).toBe(true);
    });

    it.each(['same-origin', 'none', 'Same-Origin'])('allows Sec-Fetch-Site: %s without Origin', (fetchSite) => {
      expect(sameOrigin.allowsApiRequest(request({ host: 'chat.example.com', fetchSite }))).toBe(true);
    });

    it.each(['cross-site', 'same-site', 'same-origin, cross-site', 'bogus', ''])('refuses Sec-Fetch-Site: "%s" without Origin', (fetchSite) => {
      expect(sameOrigin.allowsApiRequest(request({ host: 'chat.example.com', fetchSite }))).toBe(false);
    });

    it('refuses a foreign Origin whatever Sec-Fetch-Site says', () => {
      expect(sameOrigin.allowsApiRequest(request({ origin: 'https://evil.example.net', host: 'chat.example.com', fetchSite: 'same-origin' }))).toBe(false);
    });

    it('allows a listed origin of another site (ALLOWED_ORIGINS) although it is cross-site', () => {
      const listed = new OriginPolicy(['https://app.example.org'], trustPolicy('off'));

      expect(listed.allowsApiRequest(request({ origin: 'https://app.example.org', host: 'api.example.com', fetchSite: 'cross-site' }))).toBe(true);
    });
  });
});
