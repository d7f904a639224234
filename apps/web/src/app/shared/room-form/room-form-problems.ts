import { KdfRejectedError } from '@ciphernest/crypto';
import { type NameProblem, PASSWORD_MAX, PASSWORD_MIN, type PasswordProblem, ROOM_NAME_MAX, USERNAME_MAX } from '@ciphernest/protocol';
import { ApiProblem } from '../../core/api/api-problem';
import { KeyDerivationError } from '../../core/crypto/crypto.service';
import { problemText } from '../../core/errors/error-text';

export type RoomFormMode = 'create' | 'join';
export type RoomFormField = 'room' | 'username' | 'password';

/** Where a refusal is shown: beside one field, or in the form's alert. */
export interface PlacedProblem {
  field: RoomFormField | 'form';
  text: string;
  /** The error code, when the server or the network gave one. */
  code?: string;
  /** The answer's request id, shown as "Reference: <id>" under a refusal in the form's alert. */
  reference?: string;
}

/** The step of a submission that failed: asking for the room's kdf, deriving, or the create/join call. */
export type SubmitStep = 'lookup' | 'derive' | 'enter';

const ALLOWED = 'letters, digits, spaces, “-”, “_” and “.”';
const ONE_ALPHABET = 'letters of one alphabet: not Latin mixed with Cyrillic or Greek, for example';

export function roomNameProblemText(problem: NameProblem): string {
  switch (problem) {
    case 'empty':
      return 'Enter a room name.';
    case 'too-long':
      return `A room name can have at most ${ROOM_NAME_MAX} characters.`;
    case 'bad-character':
      return `A room name can use only ${ALLOWED}.`;
    case 'mixed-script':
      return `A room name needs ${ONE_ALPHABET}.`;
  }
}

export function usernameProblemText(problem: NameProblem): string {
  switch (problem) {
    case 'empty':
      return 'Enter a username.';
    case 'too-long':
      return `A username can have at most ${USERNAME_MAX} characters.`;
    case 'bad-character':
      return `A username can use only ${ALLOWED}.`;
    case 'mixed-script':
      return `A username needs ${ONE_ALPHABET}.`;
  }
}

export function passwordProblemText(problem: PasswordProblem): string {
  switch (problem) {
    case 'too-short':
      return `Use at least ${PASSWORD_MIN} characters.`;
    case 'too-long':
      return `Use at most ${PASSWORD_MAX.toLocaleString('en')} characters.`;
  }
}

const FIELD_OF_CODE: Readonly<Partial<Record<string, RoomFormField>>> = {
  ROOM_EXISTS: 'room',
  ROOM_NOT_FOUND: 'room',
  USERNAME_TAKEN: 'username',
  BAD_CREDENTIALS: 'password',
};

/**
 * Places a failed submission beside the field it is about (the codes of docs/protocol.md), or in the
 * form's alert for everything that is not about one field (full room, capacity, rate limits,
 * the network, refused key settings).
 */
export function placeProblem(error: unknown, step: SubmitStep): PlacedProblem {
  if (error instanceof ApiProblem) {
    if (error.code === 'VALIDATION_FAILED' && step === 'lookup') {
      return { field: 'room', text: 'The server did not accept this room name.', code: error.code };
    }
    const placed: PlacedProblem = { field: FIELD_OF_CODE[error.code] ?? 'form', text: problemText(error), code: error.code };
    if (error.requestId !== undefined) placed.reference = error.requestId;
    return placed;
  }
  if (error instanceof KdfRejectedError) {
    return {
      field: 'form',
      text: "This room's key settings are outside the range this app accepts, so your browser refused to derive a key for it. Ask the room's creator to make a new room.",
    };
  }
  if (error instanceof KeyDerivationError) {
    return { field: 'form', text: 'Your browser could not derive the key. Reload the page and try again.' };
  }
  return { field: 'form', text: problemText(error) };
}
