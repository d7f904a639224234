import { ValidateBy, type ValidationOptions } from 'class-validator';
import { checkRoomName, checkUsername, kdfProblems, type NameCheck } from '@ciphernest/protocol';

const PROBLEM_TEXT = {
  empty: 'must not be empty',
  'too-long': 'is too long',
  'bad-character': 'may hold only letters, marks, digits, spaces, "-", "_" and "."',
  'mixed-script': 'mixes letters of scripts that do not go together (such as Latin with Cyrillic or Greek)',
} as const;

function nameRule(name: string, check: (value: unknown) => NameCheck, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name,
      validator: {
        validate: (value: unknown) => check(value).ok,
        defaultMessage: (args) => {
          if (typeof args?.value !== 'string') return `${args?.property} must be a string`;
          const result = check(args.value);
          return `${args?.property} ${result.ok ? 'is not valid' : PROBLEM_TEXT[result.problem]}`;
        },
      },
    },
    options,
  );
}

/** docs/protocol.md §1 room name (1-64 characters of the allowed classes and of one script, after trim and NFC). */
export const IsRoomName = (options?: ValidationOptions) => nameRule('isRoomName', checkRoomName, options);

/** docs/protocol.md §1 username (1-32 characters of the allowed classes and of one script, after trim and NFC). */
export const IsUsername = (options?: ValidationOptions) => nameRule('isUsername', checkUsername, options);

/** docs/protocol.md §2 kdf parameters, exact fields and ranges. */
export const IsAcceptableKdf = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isAcceptableKdf',
      validator: {
        validate: (value: unknown) => kdfProblems(value).length === 0,
        defaultMessage: (args) => {
          const problems = kdfProblems(args?.value);
          const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
          return problems.slice(0, 3).join('; ') + more;
        },
      },
    },
    options,
  );
