import { ValidationPipe, type Type, type ValidationError, type ValidationPipeOptions } from '@nestjs/common';
import { getMetadataStorage, type ValidatorOptions } from 'class-validator';
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
 * class-transformer's plainToInstance skips every key the new instance already answers with a
 * function (`toString`, `valueOf`, `hasOwnProperty`, ... inherited from Object.prototype), in
 * nested objects such as `kdf` too, so the validators never saw those keys. The DTOs need no
 * conversion: the instance gets the body's own keys exactly as they came (as data properties,
 * so no key reaches a setter).
 */
const ownKeysTransformer: NonNullable<ValidationPipeOptions['transformerPackage']> = {
  plainToInstance<T>(metatype: Type<T>, plain: unknown): T {
    if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) return plain as T;
    const instance = Object.create(metatype.prototype as object) as T;
    for (const [key, value] of Object.entries(plain)) {
      Object.defineProperty(instance, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return instance;
  },
  classToPlain(object: unknown): Record<string, unknown> {
    return { ...(object as Record<string, unknown>) };
  },
};

const declaredFields = new WeakMap<object, ReadonlySet<string>>();

/** The fields a DTO class declares a rule for; a Set, so no inherited name counts as declared. */
function fieldsOf(metatype: Type): ReadonlySet<string> {
  let fields = declaredFields.get(metatype);
  if (!fields) {
    const rules = getMetadataStorage().getTargetValidationMetadatas(metatype, '', true, false);
    fields = new Set(rules.map((rule) => rule.propertyName));
    declaredFields.set(metatype, fields);
  }
  return fields;
}

/**
 * ValidationPipe whose whitelist counts every own key of the body (docs/protocol.md 1.1 §4).
 * class-validator's own whitelist looks a key's rules up in a plain object, so a key named like
 * an inherited method with parameters (`hasOwnProperty`, `isPrototypeOf`, ...) found "rules"
 * there and passed as known.
 */
class OwnKeysValidationPipe extends ValidationPipe {
  protected override async validate(object: object, options?: ValidatorOptions): Promise<ValidationError[]> {
    const fields = fieldsOf(object.constructor as Type);
    // `constructor` is the stand-in ValidationPipe puts on a value that is not an instance; as a
    // body key it never gets here (json-body.middleware refuses it).
    const unknown = Object.keys(object).filter((key) => !fields.has(key) && key !== 'constructor');
    if (unknown.length === 0) return super.validate(object, options);
    return unknown.map((property) => ({
      property,
      constraints: { whitelistValidation: `property ${property} should not exist` },
      children: [],
    }));
  }
}

/**
 * class-validator with unknown fields refused; failures become VALIDATION_FAILED with the
 * fields and problems in `details` (never the values, which may be secrets).
 */
export function apiValidationPipe(): ValidationPipe {
  return new OwnKeysValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transformerPackage: ownKeysTransformer,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const details = flatten(errors).slice(0, MAX_DETAILS);
      const first = details[0]?.problems[0];
      return new ApiError('VALIDATION_FAILED', first ? `The request is not valid: ${first}.` : 'The request is not valid.', details);
    },
  });
}
