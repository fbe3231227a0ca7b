/**
 * A small seeded PRNG (mulberry32) whose whole state is one 32-bit number, so a snapshot
 * copies it exactly. Not for cryptography: it only picks schedules.
 */
export declare class Rng {
    private s;
    constructor(seed: number);
    get state(): number;
    /** A uniform 32-bit unsigned integer. */
    nextU32(): number;
    /** A uniform integer in [lo, hi] (inclusive). */
    int(lo: number, hi: number): number;
    pick<T>(items: readonly T[]): T;
    clone(): Rng;
}
