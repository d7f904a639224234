import { KdfRejectedError } from '@ciphernest/crypto';
import { ApiProblem } from '../../core/api/api-problem';
import { KeyDerivationError } from '../../core/crypto/crypto.service';
import { errorText } from '../../core/errors/error-text';
import { passwordProblemText, placeProblem, roomNameProblemText, usernameProblemText } from './room-form-problems';

describe('placeProblem', () => {
  it.each([
    ['ROOM_EXISTS', 'room'],
    ['ROOM_NOT_FOUND', 'room'],
    ['USERNAME_TAKEN', 'username'],
    ['BAD_CREDENTIALS', 'password'],
    ['ROOM_FULL', 'form'],
    ['CAPACITY', 'form'],
    ['RATE_LIMITED', 'form'],
    ['NETWORK', 'form'],
    ['ORIGIN_REFUSED', 'form'],
    ['INTERNAL', 'form'],
    ['PAYLOAD_TOO_LARGE', 'form'],
  ] as const)('puts %s beside the %s', (code, field) => {
    const placed = placeProblem(new ApiProblem(code, 400, 'for developers'), 'enter');

    expect(placed).toEqual({ field, text: errorText(code), code });
  });

  it("carries the answer's request id as the reference to show", () => {
    const placed = placeProblem(new ApiProblem('CAPACITY', 503, 'full', undefined, 'abc-123'), 'enter');

    expect(placed).toEqual({ field: 'form', text: errorText('CAPACITY'), code: 'CAPACITY', reference: 'abc-123' });
  });

  it('puts VALIDATION_FAILED beside the room name when the room lookup was refused', () => {
    const placed = placeProblem(new ApiProblem('VALIDATION_FAILED', 400, 'bad'), 'lookup');

    expect(placed.field).toBe('room');
    expect(placed.text).toBe('The server did not accept this room name.');
  });

  it('puts VALIDATION_FAILED of the create or join call in the form alert', () => {
    expect(placeProblem(new ApiProblem('VALIDATION_FAILED', 400, 'bad'), 'enter').field).toBe('form');
  });

  it('says how long to wait when the server sent Retry-After', () => {
    expect(placeProblem(new ApiProblem('RATE_LIMITED', 429, 'slow', 30), 'enter').text).toContain('wait 30 seconds');
  });

  it('explains refused key-derivation settings', () => {
    const placed = placeProblem(new KdfRejectedError('kdf.m out of range'), 'derive');

    expect(placed.field).toBe('form');
    expect(placed.text).toContain('refused to derive a key');
    expect(placed.text).not.toContain('kdf.m');
  });

  it('explains a failed key derivation without its internals', () => {
    const placed = placeProblem(new KeyDerivationError('worker exploded'), 'derive');

    expect(placed).toEqual({ field: 'form', text: 'Your browser could not derive the key. Reload the page and try again.' });
  });

  it('never shows the message of an unexpected error', () => {
    const placed = placeProblem(new TypeError('x is undefined at line 3'), 'enter');

    expect(placed.field).toBe('form');
    expect(placed.text).not.toContain('undefined');
  });
});

describe('field problem sentences', () => {
  it('names the limits of each rule', () => {
    expect(roomNameProblemText('too-long')).toBe('A room name can have at most 64 characters.');
    expect(usernameProblemText('too-long')).toBe('A username can have at most 32 characters.');
    expect(passwordProblemText('too-short')).toBe('Use at least 8 characters.');
    expect(passwordProblemText('too-long')).toBe('Use at most 1,024 characters.');
    expect(roomNameProblemText('empty')).toBe('Enter a room name.');
    expect(usernameProblemText('bad-character')).toContain('letters, digits, spaces');
    expect(roomNameProblemText('mixed-script')).toBe('A room name needs letters of one alphabet: not Latin mixed with Cyrillic or Greek, for example.');
    expect(usernameProblemText('mixed-script')).toBe('A username needs letters of one alphabet: not Latin mixed with Cyrillic or Greek, for example.');
  });
});
