/** The outcome of an expected failure path: a use case returns it, an adapter maps the code. */
export type Result<T, C extends string> = { ok: true; value: T } | { ok: false; code: C };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail<C extends string>(code: C): { ok: false; code: C } {
  return { ok: false, code };
}
