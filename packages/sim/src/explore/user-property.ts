/**
 * A user's own property over simulations (docs/testing.md): fast-check runs it, and when it
 * fails, the error carries the text timeline of the shrunk case and the one command that
 * replays it, `tls13sim replay FILE` (the file format of `runner.ts`, with the user's module
 * recorded so the replay can load the property again). Node-only (it writes the file).
 */
import fc from 'fast-check';
import { renderTimeline } from '../render/timeline.js';
import type { PropertyDef } from './properties.js';
import type { TlsProperty } from './tls-property.js';
import { saveCounterexample } from './runner.js';

export interface TlsPropertyOptions {
  /** Runs (default 100). */
  readonly numRuns?: number;
  /** fast-check's seed (default: fast-check's own choice, printed on failure). */
  readonly seed?: number;
  /** Where the counterexample file goes (default $TLS13SIM_CX_DIR or the OS temp dir). */
  readonly dir?: string;
}

/** A failing user property: the message holds the timeline; the fields, where to replay it. */
export class TlsPropertyFailure extends Error {
  constructor(
    message: string,
    readonly property: string,
    readonly file: string,
    readonly input: unknown,
    readonly seed: number,
    readonly path: string,
  ) {
    super(message);
    this.name = 'TlsPropertyFailure';
  }
}

const NAME = /^[a-z0-9][a-z0-9-]*$/;

/** The user's property seen as one of the built-in ones (what runner.ts saves and replays). */
export function asPropertyDef<T>(def: TlsProperty<T>): PropertyDef<T> {
  if (!NAME.test(def.name)) throw new Error(`tlsProperty: bad name '${def.name}' (lowercase, digits, '-')`);
  return {
    name: def.name,
    description: def.name,
    arbitrary: def.arbitrary,
    ciRuns: 100,
    check(input, replay) {
      const sim = def.simulate(input, replay);
      if (def.check(sim, input) === false) throw new Error(`property ${def.name} does not hold`);
    },
    simulate: (input, replay) => def.simulate(input, replay),
    encode: def.encode ?? ((x) => x),
    decode: def.decode ?? ((x) => x as T),
  };
}

function messageOf(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/**
 * Runs `def` with fast-check. Returns when it holds; otherwise throws a TlsPropertyFailure
 * whose message is: the error, the shrunk input, the replay command, and the timeline of
 * the shrunk case.
 *
 * ```ts
 * it('the client learns of a bad CertificateVerify on its first read', () => tlsProperty(cvProperty, { seed: 1 }));
 * ```
 */
export function tlsProperty<T>(def: TlsProperty<T>, opts: TlsPropertyOptions = {}): void {
  const prop = asPropertyDef(def);
  const seed = opts.seed ?? (Date.now() ^ (Math.random() * 2 ** 31)) >>> 1;
  const details = fc.check(
    fc.property(def.arbitrary, (input) => {
      prop.check(input);
    }),
    { numRuns: opts.numRuns ?? 100, seed },
  );
  if (!details.failed || details.counterexample === null) return;
  const input = details.counterexample[0] as T;
  const path = details.counterexamplePath ?? '';
  const error = messageOf(details.errorInstance);
  const file = saveCounterexample(prop, input, { seed, path, error }, opts.dir, def.module);
  let timeline: string;
  try {
    timeline = renderTimeline(def.simulate(input).toTrace());
  } catch (e) {
    timeline = `(the shrunk case could not be re-run for its timeline: ${messageOf(e)})`;
  }
  const encoded = JSON.stringify(prop.encode(input));
  const replay =
    def.module !== undefined ? `tls13sim replay ${file}` : `${file} (give the property a \`module: import.meta.url\` to replay it with tls13sim replay)`;
  const text = [
    `property ${def.name} failed after ${details.numRuns} run(s), shrunk ${details.numShrinks} time(s): ${error}`,
    `input: ${encoded.length > 2000 ? `${encoded.slice(0, 2000)}…` : encoded}`,
    `replay: ${replay}`,
    `fast-check: { seed: ${seed}, path: "${path}" }`,
    '',
    timeline,
  ].join('\n');
  throw new TlsPropertyFailure(text, def.name, file, prop.encode(input), seed, path);
}

/** Finds the property `name` among a module's exports (what `tls13sim replay` loads). */
export function findExportedProperty(mod: Record<string, unknown>, name: string): TlsProperty<unknown> | undefined {
  for (const v of Object.values(mod)) {
    if (typeof v !== 'object' || v === null) continue;
    const p = v as Partial<TlsProperty<unknown>>;
    if (p.name === name && typeof p.simulate === 'function' && typeof p.check === 'function' && p.arbitrary !== undefined) return p as TlsProperty<unknown>;
  }
  return undefined;
}
