/**
 * Arguments of the bench and of its experiment scripts. A bad argument ends the script
 * with one line on stderr and exit status 2, never a stack trace; a closed stdout (the
 * output piped into `head`) ends it quietly with status 1, as the CLI does (its output was
 * cut short).
 */
import { CERT_KINDS, type CertKind } from './fixtures.js';

/** Prints `script: message` on stderr and exits with status 2. */
export function usageExit(script: string, message: string): never {
  process.stderr.write(`${script}: ${message}\n`);
  process.exit(2);
}

/** `value` as a certificate kind, or the usage error naming the kinds. */
export function certKindArg(script: string, value: string): CertKind {
  if ((CERT_KINDS as readonly string[]).includes(value)) return value as CertKind;
  return usageExit(script, `certificate kind is one of ${CERT_KINDS.join(', ')}, not ${JSON.stringify(value)}`);
}

/** `value` as a whole number ≥ 1 (`what` names it in the error). */
export function countArg(script: string, what: string, value: string): number {
  const n = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isSafeInteger(n) && n >= 1) return n;
  return usageExit(script, `${what} is a whole number of at least 1, not ${JSON.stringify(value)}`);
}

/** `value` as one of `choices`, or the usage error listing them. */
export function choiceArg<T extends string>(script: string, what: string, value: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  return usageExit(script, `${what} is one of ${choices.join(', ')}, not ${JSON.stringify(value)}`);
}

/** Fails with a usage error when more positional arguments were given than the script takes. */
export function noMoreArgs(script: string, argv: readonly string[], max: number, usage: string): void {
  if (argv.length > max) usageExit(script, `unexpected argument ${JSON.stringify(argv[max])} (usage: ${usage})`);
}

/** A reader that closed stdout early (`| head`) ends the script quietly with status 1, not an EPIPE stack. */
export function quietOnClosedStdout(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(1);
    throw e;
  });
}
