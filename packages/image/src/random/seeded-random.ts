/**
 * Counter-based randomness: every random draw of a run is a pure function of the run's seed and
 * a few counters (epoch, step, sample, layer name...). Nothing carries hidden state from one step
 * to the next, so a resumed run needs only the counters to draw exactly what an uninterrupted run
 * would have drawn.
 */

/** Mix one 32-bit value into a hash state (murmur3-style finalizer over a running state). */
function mix(h: number, v: number): number {
  let k = Math.imul(v | 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finalize(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A label turned into 32-bit words (strings by UTF-16 code units; numbers split into two words so large seeds stay distinct). */
function words(part: number | string): number[] {
  if (typeof part === 'string') {
    const out = [part.length];
    for (let i = 0; i < part.length; i++) out.push(part.charCodeAt(i));
    return out;
  }
  if (!Number.isFinite(part)) throw new Error(`deriveSeed: ${part} is not a finite number`);
  const hi = Math.floor(part / 0x100000000);
  return [part >>> 0, hi | 0];
}

/**
 * A 32-bit seed from a seed and labels: `deriveSeed(seed, 'batch', epoch, step)`. Different
 * label tuples give unrelated seeds; the same tuple always gives the same one.
 */
export function deriveSeed(...parts: (number | string)[]): number {
  let h = 0x9747b28c;
  for (const p of parts) for (const w of words(p)) h = mix(h, w);
  return finalize(h ^ parts.length);
}

/** A small fast generator (mulberry32) seeded from `deriveSeed(...parts)`. */
export class SeededRandom {
  private state: number;

  constructor(...parts: (number | string)[]) {
    this.state = deriveSeed(...parts);
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** A permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  }
}
