#!/usr/bin/env node
import '../scenarios/catalogue.js';
export interface CliIo {
    stdout(text: string): void;
    stderr(text: string): void;
    writeFile(path: string, data: string | Uint8Array): void;
}
export declare const defaultIo: CliIo;
/** Exit codes: 0 ok, 1 the run failed, 2 usage (unknown command, scenario or flag). */
export type CommandHandler = (args: readonly string[], io: CliIo) => number | Promise<number>;
export declare class UsageError extends Error {
    constructor(message: string);
}
export declare function registerCommand(name: string, handler: CommandHandler, usage?: string): void;
/** Parses `--name value` / `--name=value` options; positional arguments are returned in order. */
export declare function parseOptions(args: readonly string[], known: readonly string[]): {
    positional: string[];
    options: Map<string, string>;
};
export declare function runCli(argv: readonly string[], io?: CliIo): Promise<number>;
