const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A random id from the platform's CSPRNG (present in browsers and Node ≥ 19).
 * 12 characters of base62 ≈ 71 bits: collisions between replicas are not a
 * practical concern for elements of one map.
 */
export function newId(length = 12): string {
  const bytes = new Uint8Array(length);
  crypto.getRandomValues(bytes);
  let out = '';
  // 248 is the largest multiple of 62 below 256: rejecting above it avoids bias.
  for (let i = 0; out.length < length; i++) {
    if (i >= bytes.length) {
      crypto.getRandomValues(bytes);
      i = 0;
    }
    const b = bytes[i]!;
    if (b < 248) out += ALPHABET[b % 62];
  }
  return out;
}
