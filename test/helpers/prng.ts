/** mulberry32: a tiny seeded PRNG, so fuzz runs are reproducible from their seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomInt(random: () => number, max: number): number {
  return Math.floor(random() * max);
}

export function randomBytes(random: () => number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = randomInt(random, 256);
  return out;
}

/** A copy of `data` with a few bit flips, byte changes, insertions, deletions or a truncation. */
export function mutate(random: () => number, data: Uint8Array): Uint8Array {
  const bytes = [...data];
  const edits = 1 + randomInt(random, 4);
  for (let e = 0; e < edits; e++) {
    const at = randomInt(random, Math.max(1, bytes.length));
    switch (randomInt(random, 5)) {
      case 0: bytes[at] = (bytes[at] ?? 0) ^ (1 << randomInt(random, 8)); break;
      case 1: bytes[at] = randomInt(random, 256); break;
      case 2: bytes.splice(at, 0, randomInt(random, 256)); break;
      case 3: bytes.splice(at, 1); break;
      case 4: bytes.length = at; break;
    }
  }
  return new Uint8Array(bytes);
}
