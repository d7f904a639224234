/**
 * True for any Uint8Array, a Node Buffer included, from any realm (a worker's, jsdom's),
 * where `instanceof Uint8Array` would answer false.
 */
export function isByteArray(value: unknown): value is Uint8Array {
  return ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === '[object Uint8Array]';
}

/**
 * A copy of just the view's bytes in an ArrayBuffer of this realm: what the WebCrypto
 * typings accept, and what WebCrypto accepts from buffers made in other realms (jsdom).
 */
export function ownBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}
