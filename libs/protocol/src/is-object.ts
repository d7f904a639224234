/**
 * True for a value whose fields can be read by name: an object that is neither null nor an
 * array. The first check every hand-written shape check of a payload makes.
 */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
