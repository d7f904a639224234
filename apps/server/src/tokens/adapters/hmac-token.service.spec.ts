import { createHmac } from 'node:crypto';
import { VAULT_PATTERN } from '@ciphernest/protocol';
import { type SessionClaims } from '../domain/session-claims';
import { HmacTokenService } from './hmac-token.service';

const CLAIMS: SessionClaims = { sessionId: 'c2Vzc2lvbi1pZC0xMjM0NQ', roomKey: 'lobby', userKey: 'alice', address: '203.0.113.7' };

function b64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Flips one bit of the character at `index` to another base64url character. */
function alterCharacter(text: string, index: number): string {
  const replacement = text[index] === 'A' ? 'B' : 'A';
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

describe('HmacTokenService', () => {
  it('verifies the claims it issued', () => {
    const tokens = new HmacTokenService();

    expect(tokens.verify(tokens.issue(CLAIMS))).toEqual(CLAIMS);
  });

  it('round-trips claims with non-ASCII names and an IPv6 address', () => {
    const tokens = new HmacTokenService();
    const claims = { sessionId: 'x', roomKey: 'café über', userKey: 'zoë.名前', address: '2001:db8::1' };

    expect(tokens.verify(tokens.issue(claims))).toEqual(claims);
  });

  it('issues v1.<claims>.<signature> in base64url', () => {
    const token = new HmacTokenService().issue(CLAIMS);

    expect(token).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  });

  it('signs "v1." + claims with HMAC-SHA256 of the given secret', () => {
    const secret = Buffer.alloc(32, 3);
    const token = new HmacTokenService(secret).issue(CLAIMS);
    const [, body, signature] = token.split('.');

    expect(signature).toBe(createHmac('sha256', secret).update(`v1.${body}`).digest('base64url'));
  });

  it('verifies a token from another instance with the same secret (scale-out)', () => {
    const secret = Buffer.alloc(32, 9);

    expect(new HmacTokenService(secret).verify(new HmacTokenService(secret).issue(CLAIMS))).toEqual(CLAIMS);
  });

  it('refuses a token issued by another instance with its own random secret (a restart)', () => {
    const before = new HmacTokenService();
    const after = new HmacTokenService();

    expect(after.verify(before.issue(CLAIMS))).toBeUndefined();
  });

  it('refuses a token whose claims were changed', () => {
    const tokens = new HmacTokenService();
    const [version, , signature] = tokens.issue(CLAIMS).split('.');
    const forged = b64urlJson({ s: CLAIMS.sessionId, r: CLAIMS.roomKey, u: CLAIMS.userKey, a: '198.51.100.66' });

    expect(tokens.verify(`${version}.${forged}.${signature}`)).toBeUndefined();
  });

  it('refuses a token with one character of its claims altered', () => {
    const tokens = new HmacTokenService();
    const token = tokens.issue(CLAIMS);

    expect(tokens.verify(alterCharacter(token, 5))).toBeUndefined();
  });

  it('refuses a token with one character of its signature altered', () => {
    const tokens = new HmacTokenService();
    const token = tokens.issue(CLAIMS);

    expect(tokens.verify(alterCharacter(token, token.length - 10))).toBeUndefined();
  });

  it('refuses a signature written differently from the one issued, even if it decodes to the same bytes', () => {
    // Buffer's base64url decoder skips stray characters and unused low bits; tokens must not be malleable.
    const tokens = new HmacTokenService();
    const token = tokens.issue(CLAIMS);
    const signatureStart = token.lastIndexOf('.') + 1;
    const withStar = `${token.slice(0, signatureStart + 5)}*${token.slice(signatureStart + 5)}`;

    expect(tokens.verify(withStar)).toBeUndefined();
    expect(tokens.verify(`${token}=`)).toBeUndefined();
  });

  it('refuses a token with a truncated signature', () => {
    const tokens = new HmacTokenService();

    expect(tokens.verify(tokens.issue(CLAIMS).slice(0, -2))).toBeUndefined();
  });

  it('refuses a token with its signature left out', () => {
    const tokens = new HmacTokenService();
    const [version, body] = tokens.issue(CLAIMS).split('.');

    expect(tokens.verify(`${version}.${body}.`)).toBeUndefined();
    expect(tokens.verify(`${version}.${body}`)).toBeUndefined();
  });

  it('refuses another version even when signed with the right secret', () => {
    const secret = Buffer.alloc(32, 5);
    const body = b64urlJson({ s: 'x', r: 'lobby', u: 'alice', a: '203.0.113.7' });
    const signature = createHmac('sha256', secret).update(`v2.${body}`).digest('base64url');

    expect(new HmacTokenService(secret).verify(`v2.${body}.${signature}`)).toBeUndefined();
  });

  it('refuses the right body and signature under another version label', () => {
    const tokens = new HmacTokenService();
    const [, body, signature] = tokens.issue(CLAIMS).split('.');

    expect(tokens.verify(`v2.${body}.${signature}`)).toBeUndefined();
    expect(tokens.verify(`V1.${body}.${signature}`)).toBeUndefined();
  });

  it('refuses a token with an extra part', () => {
    const tokens = new HmacTokenService();

    expect(tokens.verify(`${tokens.issue(CLAIMS)}.extra`)).toBeUndefined();
  });

  it('refuses a correctly signed token longer than 1,024 characters', () => {
    const tokens = new HmacTokenService();
    const token = tokens.issue({ ...CLAIMS, address: 'a'.repeat(800) });

    expect(token.length).toBeGreaterThan(1_024);
    expect(tokens.verify(token)).toBeUndefined();
  });

  it('accepts a correctly signed token of 1,023 characters', () => {
    const tokens = new HmacTokenService();
    // Unpadded base64url never ends a body at 4k+1 characters, so 1,023 is the longest token
    // under the limit: find the address length that lands there.
    const claims = Array.from({ length: 800 }, (_, n) => ({ ...CLAIMS, address: 'a'.repeat(n) })).find(
      (candidate) => tokens.issue(candidate).length === 1_023,
    );

    expect(claims).toBeDefined();
    expect(tokens.verify(tokens.issue(claims!))).toEqual(claims);
  });

  it('refuses correctly signed claims that are not the expected object', () => {
    const secret = Buffer.alloc(32, 1);
    const tokens = new HmacTokenService(secret);
    const sign = (body: string) => `v1.${body}.${createHmac('sha256', secret).update(`v1.${body}`).digest('base64url')}`;

    expect(tokens.verify(sign(b64urlJson(null)))).toBeUndefined();
    expect(tokens.verify(sign(b64urlJson('text')))).toBeUndefined();
    expect(tokens.verify(sign(b64urlJson({ s: 'x', r: 'lobby', u: 'alice' })))).toBeUndefined();
    expect(tokens.verify(sign(b64urlJson({ s: 1, r: 'lobby', u: 'alice', a: '203.0.113.7' })))).toBeUndefined();
    expect(tokens.verify(sign(Buffer.from('{not json').toString('base64url')))).toBeUndefined();
  });

  it.each([['empty', ''], ['garbage', 'garbage'], ['dots', '...'], ['a version alone', 'v1..']])('refuses %s', (_label, token) => {
    expect(new HmacTokenService().verify(token)).toBeUndefined();
  });

  it('refuses a value that is not a string', () => {
    expect(new HmacTokenService().verify(42 as unknown as string)).toBeUndefined();
  });

  it('makes session ids of 22 base64url characters, all different', () => {
    const tokens = new HmacTokenService();
    const made = Array.from({ length: 100 }, () => tokens.newSessionId());

    expect(made.every((id) => /^[A-Za-z0-9_-]{22}$/.test(id))).toBe(true);
    expect(new Set(made).size).toBe(100);
  });

  it('makes vaults of 32 random bytes as canonical b64url (43 characters), all different', () => {
    const tokens = new HmacTokenService();
    const made = Array.from({ length: 100 }, () => tokens.newVault());

    expect(made.every((vault) => VAULT_PATTERN.test(vault) && Buffer.from(vault, 'base64url').length === 32)).toBe(true);
    expect(new Set(made).size).toBe(100);
  });
});
