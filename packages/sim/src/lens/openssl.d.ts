import type { Simulation } from '../simulation.js';
import type { AppResult, Side } from '../trace.js';
export interface LensResult {
    readonly result: AppResult;
    /** Data read or peeked; for `write`, what was written. */
    readonly bytes?: Uint8Array;
    /** The alert behind an `error`. */
    readonly alert?: string;
}
export interface OpenSslLensOptions {
    /** Blocking calls drive the scheduler (default false: non-blocking). */
    readonly blocking?: boolean;
    /** Upper bound on deliveries one blocking call may drive (default 10 000). */
    readonly maxSteps?: number;
}
export declare class OpenSslLens {
    readonly sim: Simulation;
    readonly side: Side;
    blocking: boolean;
    readonly maxSteps: number;
    constructor(sim: Simulation, side: Side, opts?: OpenSslLensOptions);
    private get ep();
    connect(): LensResult;
    accept(): LensResult;
    read(n: number): LensResult;
    peek(n: number): LensResult;
    write(data: Uint8Array): LensResult;
    shutdown(): LensResult;
    private requireRole;
    private call;
    private failure;
    private thrown;
    private handshakeDone;
    private readOrPeek;
    private sentCloseNotify;
}
export declare function openSslLens(sim: Simulation, side: Side, opts?: OpenSslLensOptions): OpenSslLens;
