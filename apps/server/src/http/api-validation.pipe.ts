import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { ApiError } from './api-error';

interface FieldProblem {
  field: string;
  problems: string[];
}

function flatten(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = `${prefix}${error.property}`;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], `${field}.`)];
  });
}

/** At most this many fields are described; a body with thousands of bad fields gets a short answer. */
const MAX_DETAILS = 20;

/**
 * class-validator with unknown fields refused; failures become VALIDATION_FAILED with the
 * fields and problems in `details` (never the values, which may be secrets).
 */
export function apiValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const details = flatten(errors).slice(0, MAX_DETAILS);
      const first = details[0]?.problems[0];
      return new ApiError('VALIDATION_FAILED', first ? `The request is not valid: ${first}.` : 'The request is not valid.', details);
    },
  });
}
