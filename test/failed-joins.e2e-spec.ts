import { ErrorCode } from '@ciphernest/protocol';
import { createRoom, expectError, nextAddress, postSession, randomVerifier } from './support/builders';
import { useServer } from './support/server-process';

// Failed joins per (address, room), docs/protocol.md §4 and §7 (finding 4 of issue 11): a join takes a
// slot before anything else is checked and keeps it only when answered BAD_CREDENTIALS, so no more
// wrong-password answers are given than RATE_FAILED_JOINS_PER_MIN, however many guesses arrive at
// once. test/scale/shared-limits.e2e-spec.ts fires the same guesses at two processes on Redis.

const FAILED_JOINS = 5;

function wrongGuess(room: string, from: string, username = 'guess') {
  return postSession(server(), room, { username, verifier: randomVerifier() }, { from });
}

// Joins per address are off, so that only the failed-join limit refuses.
const server = useServer({ RATE_FAILED_JOINS_PER_MIN: String(FAILED_JOINS), RATE_JOINS_PER_MIN: '0', DISCONNECT_GRACE_MS: '60000' });

describe('Failed joins per (address, room)', () => {
  it('answers exactly 5 of 20 concurrent wrong guesses BAD_CREDENTIALS and the rest RATE_LIMITED, then refuses the right password', async () => {
    const owner = await createRoom(server());
    const from = nextAddress();

    const answers = await Promise.all(Array.from({ length: 20 }, (_, n) => wrongGuess(owner.room, from, `guess${n}`)));

    const codes = answers.map((res) => res.body.code as string).sort();
    expect(codes).toEqual([...Array(FAILED_JOINS).fill(ErrorCode.BadCredentials), ...Array(20 - FAILED_JOINS).fill(ErrorCode.RateLimited)].sort());
    const failures = () => server().logs().filter((record) => record.event === 'session.rejected' && record['ip'] === from && record['reason'] === 'BAD_CREDENTIALS');
    await server().waitForLog(() => failures().length >= FAILED_JOINS);
    expect(failures()).toHaveLength(FAILED_JOINS);
    expectError(await postSession(server(), owner.room, { username: 'bob', verifier: owner.verifier }, { from }), ErrorCode.RateLimited);
  });

  it('lets the right password through beside concurrent wrong guesses while slots are free', async () => {
    const owner = await createRoom(server());
    const from = nextAddress();

    const [right, ...wrong] = await Promise.all([
      postSession(server(), owner.room, { username: 'bob', verifier: owner.verifier }, { from }),
      ...Array.from({ length: FAILED_JOINS - 2 }, (_, n) => wrongGuess(owner.room, from, `guess${n}`)),
    ]);

    expect(right!.status).toBe(201);
    for (const res of wrong) expectError(res, ErrorCode.BadCredentials);
    expectError(await wrongGuess(owner.room, from, 'last'), ErrorCode.BadCredentials);
  });

  it('counts the tries left down in each BAD_CREDENTIALS answer, then refuses with RATE_LIMITED', async () => {
    const owner = await createRoom(server());
    const from = nextAddress();

    const answers = [];
    for (let n = 0; n < FAILED_JOINS; n++) answers.push(await wrongGuess(owner.room, from));
    const blocked = await wrongGuess(owner.room, from);

    expect(answers.map((res) => [res.status, res.body.code, res.body.details])).toEqual(
      [4, 3, 2, 1, 0].map((triesLeft) => [401, ErrorCode.BadCredentials, { triesLeft }]),
    );
    expectError(blocked, ErrorCode.RateLimited);
    expect(blocked.body.details).toBeUndefined();
  });

  it('counts tries per room: another room from the same address starts with every try', async () => {
    const [first, second] = [await createRoom(server()), await createRoom(server())];
    const from = nextAddress();
    for (let n = 0; n < 3; n++) await wrongGuess(first.room, from);

    expect((await wrongGuess(second.room, from)).body.details).toEqual({ triesLeft: FAILED_JOINS - 1 });
  });

  it('checks the failed-join limit before validation', async () => {
    const owner = await createRoom(server());
    const from = nextAddress();
    for (let n = 0; n < FAILED_JOINS; n++) expectError(await wrongGuess(owner.room, from), ErrorCode.BadCredentials);

    expectError(await postSession(server(), owner.room, { username: '', verifier: 'short' }, { from }), ErrorCode.RateLimited);
  });

  it('does not count malformed joins as failures', async () => {
    const owner = await createRoom(server());
    const from = nextAddress();
    expectError(await postSession(server(), owner.room, { username: '', verifier: 'short' }, { from }), ErrorCode.ValidationFailed);
    expectError(await postSession(server(), owner.room, { username: 'x', verifier: randomVerifier(), extra: 1 }, { from }), ErrorCode.ValidationFailed);

    for (let n = 0; n < FAILED_JOINS; n++) expectError(await wrongGuess(owner.room, from), ErrorCode.BadCredentials);
    expectError(await wrongGuess(owner.room, from), ErrorCode.RateLimited);
  });
});
