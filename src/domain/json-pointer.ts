/** RFC 6901 JSON pointers, the way findings name a field of the request. */

/** The pointer of `key` inside the value that `parent` points to. */
export function childPointer(parent: string, key: string | number): string {
  return `${parent}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** The last reference token of a pointer, unescaped: the name of the field it points to. */
export function lastToken(pointer: string): string {
  const token = pointer.slice(pointer.lastIndexOf('/') + 1);
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** True for a JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
