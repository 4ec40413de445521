// Deterministic, allocation-free hashing: every sandbox number is a pure function of (seed, entity, day, ...), so
// nothing about 914 days of history has to be stored, and two sandboxes with one seed agree byte for byte.

/** Mixes any number of 32-bit integers into one well-distributed unsigned 32-bit hash (murmur3-style). */
export function mix(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    let k = Math.imul(p | 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform float in [0, 1) from the same inputs as `mix`. */
export function unit(...parts: number[]): number {
  return mix(...parts) / 4294967296;
}

/** A uniform integer in [lo, hi] (inclusive). */
export function between(lo: number, hi: number, ...parts: number[]): number {
  return lo + Math.floor(unit(...parts) * (hi - lo + 1));
}

/** Hashes a string to 32 bits (FNV-1a), for salts such as account keys. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A small seeded PRNG (mulberry32) for sequences, e.g. fault injection decisions. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `mix` for exactly four inputs, without the rest-array allocation: the hot path of metric generation. */
export function mix4(a: number, b: number, c: number, d: number): number {
  let h = 0x9e3779b9;
  h = step(h, a);
  h = step(h, b);
  h = step(h, c);
  h = step(h, d);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function step(h: number, p: number): number {
  let k = Math.imul(p | 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

export function unit4(a: number, b: number, c: number, d: number): number {
  return mix4(a, b, c, d) / 4294967296;
}

export function between4(lo: number, hi: number, a: number, b: number, c: number, d: number): number {
  return lo + Math.floor(unit4(a, b, c, d) * (hi - lo + 1));
}
