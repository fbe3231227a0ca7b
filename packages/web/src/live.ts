/**
 * "Choose deliveries" mode: a scenario that can be set
 * up without being run (`ScenarioDefinition.setup`, the exhaustive explorer's entry) runs
 * live in the page, and the student decides each delivery: which direction, how many
 * bytes (a whole flight, one record, or any split), and whether the network drops,
 * duplicates, truncates or corrupts it (scheduler.ts `Choice`, `AppliedFault`).
 *
 * Each side's application makes its program's calls (`ScenarioSetup.app`) through the
 * chosen lens as soon as they can answer, as a blocking application would; its library
 * therefore reads its socket as bytes arrive (`pulls: 'on_arrival'`, as in the explorer's
 * branches). Each state is a `Simulation.fork()`, so stepping back is exact.
 *
 * Choices are written in permalinks as `c181` (client → server, 181 bytes), `s95`, and a
 * fault suffix: `d` drop, `u` duplicate, `t12` truncate to 12 bytes, `x3` flip byte 3.
 */
import {
  appStepReady,
  createLens,
  getScenario,
  type AppliedFault,
  type AppStep,
  type Choice,
  type LensName,
  type NetDirection,
  type ScenarioSetup,
  type Side,
  type Simulation,
} from '@tls13sim/sim/browser';

const SIDES: readonly Side[] = ['client', 'server'];
export const DIRECTIONS: readonly NetDirection[] = ['client_to_server', 'server_to_client'];

export type FaultKind = 'drop' | 'duplicate' | 'truncate' | 'corrupt';

/** One delivery the student chose. */
export interface LiveChoice {
  readonly direction: NetDirection;
  /** Bytes taken from the front of that direction's queue (1…queued). */
  readonly take: number;
  readonly fault?: AppliedFault;
}

/** What is waiting in one direction: its bytes and where its records and flights end. */
export interface QueueInfo {
  readonly bytes: number;
  /** Byte counts from the front at which a record ends. */
  readonly recordEnds: readonly number[];
  /** Bytes of the front flight. */
  readonly flight: number;
}

export function hasLive(scenario: string): boolean {
  return getScenario(scenario)?.setup !== undefined;
}

export class Live {
  private constructor(
    readonly setup: ScenarioSetup,
    readonly lens: LensName,
    readonly sim: Simulation,
    private readonly pos: Record<Side, number>,
  ) {}

  static start(scenario: string, seed: number, lens: LensName): Live {
    const def = getScenario(scenario);
    if (def?.setup === undefined) throw new Error(`${scenario} cannot be set up for choosing deliveries (only replayed)`);
    const setup = def.setup(seed);
    const live = new Live(setup, lens, setup.sim, { client: 0, server: 0 });
    live.sim.start();
    live.react();
    return live;
  }

  fork(): Live {
    return new Live(this.setup, this.lens, this.sim.fork(), { ...this.pos });
  }

  queue(direction: NetDirection): QueueInfo {
    const segs = this.sim.queued(direction);
    const recordEnds: number[] = [];
    let bytes = 0;
    let flight = 0;
    for (const s of segs) {
      bytes += s.bytes.length;
      recordEnds.push(bytes);
      if (s.flight === segs[0]!.flight) flight = bytes;
    }
    return { bytes, recordEnds, flight };
  }

  get quiescent(): boolean {
    return this.sim.inFlight() === 0;
  }

  /** The default next delivery: the front flight of whichever direction was sent first (FIFO). */
  defaultChoice(): LiveChoice | undefined {
    let best: { d: NetDirection; order: number } | undefined;
    for (const d of DIRECTIONS) {
      const front = this.sim.queued(d)[0];
      if (front !== undefined && (best === undefined || front.order < best.order)) best = { d, order: front.order };
    }
    return best === undefined ? undefined : { direction: best.d, take: this.queue(best.d).flight };
  }

  /** Checks a choice against what is queued: a one-line reason when it cannot be made. */
  problem(c: LiveChoice): string | undefined {
    const q = this.queue(c.direction);
    const dir = c.direction === 'client_to_server' ? 'client → server' : 'server → client';
    if (q.bytes === 0) return `nothing is queued ${dir}`;
    if (!Number.isInteger(c.take) || c.take < 1 || c.take > q.bytes) return `${dir} holds ${q.bytes} B: take 1…${q.bytes}, not ${c.take}`;
    const f = c.fault;
    if (f?.kind === 'truncate' && !(Number.isInteger(f.keep) && f.keep >= 0 && f.keep < c.take))
      return `truncate keeps 0…${c.take - 1} of ${c.take} B, not ${f.keep}`;
    if (f?.kind === 'corrupt' && !(Number.isInteger(f.offset) && f.offset >= 0 && f.offset < c.take && f.xor >= 1 && f.xor <= 255)) {
      return `corrupt flips a byte at 0…${c.take - 1} with a non-zero mask, not offset ${f.offset} mask ${f.xor}`;
    }
    return undefined;
  }

  /** Makes the delivery, then lets both applications make every call that can answer. Throws on a bad choice. */
  deliver(c: LiveChoice): void {
    const p = this.problem(c);
    if (p !== undefined) throw new RangeError(p);
    let at = this.sim.now;
    let n = 0;
    for (const s of this.sim.queued(c.direction)) {
      if (n >= c.take) break;
      at = Math.max(at, s.readyAt);
      n += s.bytes.length;
    }
    const choice: Choice = c.fault === undefined ? { at, direction: c.direction, take: c.take } : { at, direction: c.direction, take: c.take, fault: c.fault };
    this.sim.stepWith(choice);
    this.react();
  }

  private react(): void {
    for (let progressed = true; progressed; ) {
      progressed = false;
      for (const side of SIDES) {
        const step = this.setup.app[side][this.pos[side]];
        if (step === undefined || !this.ready(side, step)) continue;
        this.call(side, step);
        progressed = true;
      }
    }
  }

  private ready(side: Side, step: AppStep): boolean {
    return appStepReady(this.sim.endpoint(side), step);
  }

  private call(side: Side, step: AppStep): void {
    const lens = createLens(this.lens, this.sim, side, { pulls: 'on_arrival' });
    const r =
      step.call === 'connect' ? lens.connect() : step.call === 'accept' ? lens.accept() : step.call === 'write' ? lens.write(step.data) : lens.read(step.max);
    this.pos[side]++;
    // A blocking application stops at its first failed call.
    if (r.result === 'error') this.pos[side] = this.setup.app[side].length;
  }
}

// ——— permalinks ————————————————————————————————————————————————————————————————————

export function formatChoices(cs: readonly LiveChoice[]): string {
  return cs
    .map((c) => {
      const f = c.fault;
      const suffix =
        f === undefined
          ? ''
          : f.kind === 'drop'
            ? 'd'
            : f.kind === 'duplicate'
              ? 'u'
              : f.kind === 'truncate'
                ? `t${f.keep}`
                : f.kind === 'corrupt'
                  ? `x${f.offset}${f.xor === 1 ? '' : `^${f.xor}`}`
                  : '';
      return `${c.direction === 'client_to_server' ? 'c' : 's'}${c.take}${suffix}`;
    })
    .join('.');
}

const CHOICE = /^([cs])(\d{1,7})(?:(d)|(u)|t(\d{1,7})|x(\d{1,7})(?:\^(\d{1,3}))?)?$/;

/** Parses `formatChoices` output; throws with the first bad item. */
export function parseChoices(s: string): LiveChoice[] {
  if (s === '') return [];
  return s.split('.').map((item, i) => {
    const m = CHOICE.exec(item);
    if (m === null) throw new Error(`choice ${i + 1} '${item}' is not c|s<bytes>[d|u|t<keep>|x<offset>[^<mask>]]`);
    const direction: NetDirection = m[1] === 'c' ? 'client_to_server' : 'server_to_client';
    const take = Number(m[2]);
    const fault: AppliedFault | undefined =
      m[3] !== undefined
        ? { kind: 'drop' }
        : m[4] !== undefined
          ? { kind: 'duplicate' }
          : m[5] !== undefined
            ? { kind: 'truncate', keep: Number(m[5]) }
            : m[6] !== undefined
              ? { kind: 'corrupt', offset: Number(m[6]), xor: m[7] === undefined ? 1 : Number(m[7]) }
              : undefined;
    return fault === undefined ? { direction, take } : { direction, take, fault };
  });
}
