// A small seeded random source for the differential generator: the same seed makes the same inputs.
import { Rng as Mulberry32 } from '../../../testing/index.js';

/** The shared seeded generator (mulberry32), with the ranges and choices the generator needs. */
export class Rng {
  private readonly source: Mulberry32;

  constructor(seed: number) {
    this.source = new Mulberry32(seed);
  }

  /** A float in [0, 1). */
  next(): number {
    return this.source.next();
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(list: readonly T[]): T {
    if (list.length === 0) throw new Error('pick from an empty list');
    return list[Math.floor(this.next() * list.length)] as T;
  }

  /** Up to `max` distinct elements, in their original order. */
  some<T>(list: readonly T[], min: number, max: number): T[] {
    const n = Math.min(list.length, this.int(min, max));
    const idx = this.shuffle(list.map((_, i) => i)).slice(0, n);
    return idx.sort((a, b) => a - b).map((i) => list[i] as T);
  }

  shuffle<T>(list: readonly T[]): T[] {
    const out = [...list];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }

  /** A child source whose sequence does not depend on how many numbers this one draws later. */
  fork(): Rng {
    return new Rng(Math.floor(this.next() * 4294967296));
  }
}
