import type { Trace } from '../trace.js';
export declare const PCAP_MAGIC = 2712847316;
export declare const LINKTYPE_ETHERNET = 1;
export declare const CLIENT_ADDR: {
    readonly ip: readonly [10, 0, 0, 1];
    readonly port: 49152;
    readonly mac: readonly [2, 0, 0, 0, 0, 1];
};
export declare const SERVER_ADDR: {
    readonly ip: readonly [10, 0, 0, 2];
    readonly port: 443;
    readonly mac: readonly [2, 0, 0, 0, 0, 2];
};
export declare const CLIENT_ISN = 4096;
export declare const SERVER_ISN = 20480;
export declare function renderPcap(trace: Trace): Uint8Array;
