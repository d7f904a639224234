import { HmacTokenService } from '../../tokens/adapters/hmac-token.service';
import { DEFAULT_ADDRESS, MembershipHarness } from '../../testing/membership-harness';
import { AuthenticateSession } from './authenticate-session.use-case';

describe('AuthenticateSession', () => {
  it('finds the session of a token presented from its address', async () => {
    const h = new MembershipHarness();
    const grant = await h.create('Lobby', 'Alice');

    const result = await h.authenticate.execute(grant.token, DEFAULT_ADDRESS);

    expect(result).toEqual({ ok: true, value: grant.session });
  });

  it.each([
    ['an empty string', ''],
    ['garbage', 'not a token at all'],
    ['three empty parts', '..'],
    ['a version alone', 'v1'],
  ])('refuses %s with TOKEN_INVALID', async (_label, token) => {
    const h = new MembershipHarness();

    expect(await h.authenticate.execute(token, DEFAULT_ADDRESS)).toEqual({ ok: false, code: 'TOKEN_INVALID' });
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['an object', { token: 'v1.a.b' }],
    ['an array', ['v1', 'a', 'b']],
  ])('refuses %s (not a string) with TOKEN_INVALID', async (_label, token) => {
    const h = new MembershipHarness();

    expect(await h.authenticate.execute(token, DEFAULT_ADDRESS)).toEqual({ ok: false, code: 'TOKEN_INVALID' });
  });

  it('refuses a forged token (claims changed, signature kept) with TOKEN_INVALID', async () => {
    const h = new MembershipHarness();
    const alice = await h.create('Lobby', 'Alice');
    const bob = await h.join('Lobby', 'Bob');
    const [version, , signature] = alice.token.split('.');
    const [, bobBody] = bob.token.split('.');

    expect(await h.authenticate.execute(`${version}.${bobBody}.${signature}`, DEFAULT_ADDRESS)).toEqual({ ok: false, code: 'TOKEN_INVALID' });
  });

  it('refuses a token signed with another secret (a restarted server) with TOKEN_INVALID', async () => {
    const h = new MembershipHarness();
    const grant = await h.create('Lobby', 'Alice');
    const restarted = new AuthenticateSession(new HmacTokenService(), h.sessions);

    expect(await restarted.execute(grant.token, DEFAULT_ADDRESS)).toEqual({ ok: false, code: 'TOKEN_INVALID' });
  });

  it('refuses a token presented from another address with IP_MISMATCH', async () => {
    const h = new MembershipHarness();
    const grant = await h.create('Lobby', 'Alice');

    expect(await h.authenticate.execute(grant.token, '198.51.100.1')).toEqual({ ok: false, code: 'IP_MISMATCH' });
  });

  it('checks the address before whether the session still exists', async () => {
    const h = new MembershipHarness();
    const grant = await h.create('Lobby', 'Alice');
    await h.endSession.execute(grant.session.id, 'left');

    expect(await h.authenticate.execute(grant.token, '198.51.100.1')).toEqual({ ok: false, code: 'IP_MISMATCH' });
  });

  it('refuses the token of a session that left with SESSION_NOT_FOUND', async () => {
    const h = new MembershipHarness();
    const grant = await h.create('Lobby', 'Alice');
    await h.endSession.execute(grant.session.id, 'left');

    expect(await h.authenticate.execute(grant.token, DEFAULT_ADDRESS)).toEqual({ ok: false, code: 'SESSION_NOT_FOUND' });
  });

  it('refuses the token of a session that timed out with SESSION_NOT_FOUND', async () => {
    const h = new MembershipHarness();
    const grant = await h.create('Lobby', 'Alice');
    h.clock.advance(h.graceMs);
    await h.expireAwaySessions.execute();

    expect(await h.authenticate.execute(grant.token, DEFAULT_ADDRESS)).toEqual({ ok: false, code: 'SESSION_NOT_FOUND' });
  });

  it('refuses a validly signed token whose claims do not match the stored session with SESSION_NOT_FOUND', async () => {
    const h = new MembershipHarness();
    const grant = await h.create('Lobby', 'Alice');
    const token = h.tokens.issue({ sessionId: grant.session.id, roomKey: 'lobby', userKey: 'mallory', address: DEFAULT_ADDRESS });

    expect(await h.authenticate.execute(token, DEFAULT_ADDRESS)).toEqual({ ok: false, code: 'SESSION_NOT_FOUND' });
  });

  it('refuses a validly signed token for another room with SESSION_NOT_FOUND', async () => {
    const h = new MembershipHarness();
    const grant = await h.create('Lobby', 'Alice');
    const token = h.tokens.issue({ sessionId: grant.session.id, roomKey: 'kitchen', userKey: 'alice', address: DEFAULT_ADDRESS });

    expect(await h.authenticate.execute(token, DEFAULT_ADDRESS)).toEqual({ ok: false, code: 'SESSION_NOT_FOUND' });
  });
});
