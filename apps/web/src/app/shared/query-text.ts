/**
 * A query parameter as one string: the router hands a repeated parameter over as an array
 * and an absent one as undefined; a form wants text.
 */
export function queryText(value: unknown): string {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}
