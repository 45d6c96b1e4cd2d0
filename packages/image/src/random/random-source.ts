/** The draws the data pipeline makes (split, patch positions, augmentation). */
export interface RandomGenerator {
  /** Uniform 32-bit unsigned integer. */
  uint32(): number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform integer in [lo, hi]. */
  intBetween(lo: number, hi: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** Standard normal. */
  normal(): number;
  /** Poisson with mean lambda. */
  poisson(lambda: number): number;
  /** Shuffle in place and return the array. */
  shuffle<T>(items: T[]): T[];
}

/**
 * The run's source of randomness, resolved from the container (`Tokens.Random`). Every choice asks
 * for a generator keyed by *where* the choice is made (`generator(seed, 'patch', epoch, step, i)`),
 * never from a shared stream, so a batch is a pure function of (seed, epoch, step) and a resumed run
 * sees the batches it would have seen. Core's source is xoshiro128** over a hash of the key.
 */
export interface RandomSource {
  generator(...key: (number | string)[]): RandomGenerator;
}
