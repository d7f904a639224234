import { KdfRejectedError } from '@ciphernest/crypto';
import { ERROR_MESSAGES, ErrorCode } from '@ciphernest/protocol';
import { ApiProblem } from '../api/api-problem';
import type { EndReason } from '../realtime/chat-connection';
import { endReasonText, errorText, problemText } from './error-text';

const END_REASONS: EndReason[] = ['left', 'replaced', 'shutdown', 'TOKEN_INVALID', 'SESSION_NOT_FOUND', 'IP_MISMATCH', 'ORIGIN_REFUSED'];

function looksLikeASentence(text: string): void {
  expect(text).toMatch(/^[A-Z].*[.!]$/);
  expect(text).not.toMatch(/[A-Z]{2,}_[A-Z]/); // no code names
  expect(text.length).toBeLessThan(140);
}

describe('errorText', () => {
  it.each(Object.values(ErrorCode))('gives %s a plain sentence', (code) => {
    looksLikeASentence(errorText(code));
  });

  it('gives every code a sentence of its own (none falls back on another)', () => {
    const codes = [...Object.values(ErrorCode), 'NETWORK' as const];
    expect(new Set(codes.map(errorText)).size).toBe(codes.length);
  });

  it('says what went wrong for the errors beside form fields', () => {
    expect(errorText('BAD_CREDENTIALS')).toBe('That password does not open this room.');
    expect(errorText('USERNAME_TAKEN')).toBe('Someone in this room already uses that name, or one that looks the same.');
    expect(errorText('RATE_LIMITED')).toBe('Too many attempts from your network; wait a minute and try again.');
    expect(errorText('ROOM_NOT_FOUND')).toContain('no room with this name');
    expect(errorText('ROOM_EXISTS')).toContain('already exists');
  });

  it('covers NETWORK', () => {
    looksLikeASentence(errorText('NETWORK'));
    expect(errorText('NETWORK')).toContain('cannot be reached');
  });

  it('does not fall back on the protocol’s terse developer messages', () => {
    for (const code of Object.values(ErrorCode)) {
      if (code === 'SESSION_NOT_FOUND') continue; // the same plain sentence fits both
      expect(errorText(code)).not.toBe(ERROR_MESSAGES[code]);
    }
  });
});

describe('endReasonText', () => {
  it.each(END_REASONS)('gives %s a sentence', (reason) => {
    looksLikeASentence(endReasonText(reason));
  });

  it('gives every reason a different sentence', () => {
    expect(new Set(END_REASONS.map(endReasonText)).size).toBe(END_REASONS.length);
  });

  it('explains the reasons a person can act on', () => {
    expect(endReasonText('replaced')).toBe('Your session ended here: this chat was opened in another tab or window.');
    expect(endReasonText('shutdown')).toBe('Your session ended: the server restarted, and every room with it.');
    expect(endReasonText('left')).toBe('You left this chat.');
  });

  it('says, in one sentence, that a session refused on reconnecting ended while we were offline', () => {
    expect(endReasonText('SESSION_NOT_FOUND')).toBe('Your session ended while you were offline.');
    expect(endReasonText('TOKEN_INVALID')).toBe('Your session ended while you were offline; the server may have restarted.');
  });
});

describe('problemText', () => {
  it('uses the code of an ApiProblem', () => {
    expect(problemText(new ApiProblem('BAD_CREDENTIALS', 401, 'x'))).toBe(errorText('BAD_CREDENTIALS'));
    expect(problemText(new ApiProblem('NETWORK', 0, 'x'))).toBe(errorText('NETWORK'));
  });

  it('says how long to wait when the server said so', () => {
    expect(problemText(new ApiProblem('RATE_LIMITED', 429, 'x', 1))).toBe('Too many attempts from your network; wait 1 second and try again.');
    expect(problemText(new ApiProblem('RATE_LIMITED', 429, 'x', 30))).toBe('Too many attempts from your network; wait 30 seconds and try again.');
    expect(problemText(new ApiProblem('RATE_LIMITED', 429, 'x', 150))).toBe('Too many attempts from your network; wait 3 minutes and try again.');
    expect(problemText(new ApiProblem('RATE_LIMITED', 429, 'x'))).toBe(errorText('RATE_LIMITED'));
  });

  it('says how many tries a wrong password leaves before the one-minute wait', () => {
    const wrong = (triesLeft: number) => problemText(new ApiProblem('BAD_CREDENTIALS', 401, 'x', undefined, undefined, { triesLeft }));

    expect(wrong(4)).toBe('Wrong password. 4 tries left before a one-minute wait.');
    expect(wrong(2)).toBe('Wrong password. 2 tries left before a one-minute wait.');
    expect(wrong(1)).toBe('Wrong password. 1 try left before a one-minute wait.');
    expect(wrong(0)).toBe('Wrong password. That was the last try for now: the next one comes after a one-minute wait.');
  });

  it('explains a refused key derivation', () => {
    expect(problemText(new KdfRejectedError('refusing to derive', ['kdf.m must be ...']))).toContain('key settings');
  });

  it('never shows the message of an unknown error', () => {
    const text = problemText(new Error('TypeError: x is undefined at foo.js:1'));

    looksLikeASentence(text);
    expect(text).not.toContain('foo.js');
  });
});
