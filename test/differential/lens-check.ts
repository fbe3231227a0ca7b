/**
 * The lens half of each differential test: the lens's call → outcome sequence on the
 * simulated case must equal the real library's, and a deliberately wrong lens (the mutant
 * each library's test names) must disagree with the real library on some case — proof that
 * the comparison can fail.
 */
import { expect, it } from 'vitest';
import type { HandshakeErrorKind } from '@tls13sim/handshake';
import { AlertDescription, TlsError, type AlertName } from '@tls13sim/record';
import { DIFF_CASES, diffCase, type DiffCase } from '../../packages/sim/src/lens/cases.js';
import { uncheckedWhy } from '../../packages/sim/src/lens/scenario-checks.js';
import { clientProgramOf } from '../../packages/sim/src/lens/server-cases.js';
import type { Lens, LensName } from '../../packages/sim/src/lens/lens.js';
import { runCaseThroughLens, runCaseWith, type CaseOutcome } from '../../packages/sim/src/lens/run-case.js';
import { createLens } from '../../packages/sim/src/lens/registry.js';
import type { Simulation } from '../../packages/sim/src/simulation.js';
import type { HarnessInput, HarnessRunOptions, Outcome } from './harness.js';
import { runOnClient } from './our-client.js';
import { runOnServer, type DiffPki } from './server.js';

export function lensOutcomes(lib: LensName, c: DiffCase): CaseOutcome[] {
  return runCaseThroughLens(c, lib).outcomes;
}

/** A lens whose library reads the socket inside write too: the bug issue 15 found in the old OpenSSL lens. */
export function writePullsMutant(lib: LensName): (sim: Simulation) => Lens {
  return (sim) => {
    const lens = createLens(lib, sim, 'client', { blocking: true });
    const write = lens.write.bind(lens);
    lens.write = (data) => {
      sim.pull('client');
      return write(data);
    };
    return lens;
  };
}

/** A lens whose library processes bytes as they arrive instead of inside its calls. */
export function pullsOnArrivalMutant(lib: LensName, side: 'client' | 'server' = 'client'): (sim: Simulation) => Lens {
  return (sim) => createLens(lib, sim, side, { blocking: true, pulls: 'on_arrival' });
}

/** A lens whose library reads only inside its calls (for Node, whose socket flows). */
export function pullsOnCallMutant(lib: LensName): (sim: Simulation) => Lens {
  return (sim) => createLens(lib, sim, 'client', { blocking: true, pulls: 'on_call' });
}

type HarnessRun = (input: HarnessInput, opts?: HarnessRunOptions) => Promise<Outcome[]>;

/**
 * The 0-RTT data a library serving allows under its tickets (their max_early_data_size, 0
 * without the early_data extension), read off the session its real first connection gave
 * our client in a resumed case where it serves (default: the resumption twin).
 */
export async function ticketEarlyDataLimit(pki: DiffPki, run: HarnessRun, caseName = 'scenario-resumption-server'): Promise<number> {
  let limit = -1;
  await runOnClient(diffCase(caseName), pki, run, (s) => (limit = s.maxEarlyData));
  return limit;
}

/**
 * The early-data scenarios' note through a lens whose library takes no 0-RTT (Python, Node):
 * "its server never accepts it". Held against the library: its default tickets allow no
 * early data. `pki` is read when the test runs (the test file makes it in beforeAll).
 */
export function serverTakesNoEarlyDataTest(lib: LensName, name: string, pki: () => DiffPki, run: HarnessRun): void {
  it(`${name} serving issues tickets that allow no early data, as the early-data scenarios' note says (real run)`, async () => {
    expect(await ticketEarlyDataLimit(pki(), run)).toBe(0);
    expect(uncheckedWhy('early-data', 'server', lib, DIFF_CASES)).toContain('never accepts it');
  });
}

/** What a library sends when it refuses its peer (TLS 1.3 unless a field says otherwise), by case. */
export interface RefusalAlerts {
  /** Serving, a client certificate from a CA it does not trust (server-rejects-unknown-ca). */
  readonly unknownCa: readonly string[];
  /** Serving, a client CertificateVerify that does not verify (server-rejects-bad-cv). */
  readonly badCv: readonly string[];
  /** Serving, requiring a client certificate and getting none (server-cert-missing). */
  readonly certMissing: readonly string[];
  /** The same under TLS 1.2 (tls12-server-cert-missing), where RFC 5246 §7.4.6 asks for handshake_failure. */
  readonly tls12CertMissing: readonly string[];
  /** As the client, a server signature that does not verify (server-cv-bad). */
  readonly badServerSignature: readonly string[];
  /** The same under TLS 1.2, where the signature is the ServerKeyExchange's (tls12-server-cv-bad). */
  readonly tls12BadServerSignature: readonly string[];
  /** As the client, a server chain from a CA it does not trust (server-cert-untrusted). */
  readonly untrustedServer: readonly string[];
  /** As the client, a TLS 1.2 ServerHello with the downgrade sentinel (tls12-downgrade; RFC 8446 §4.1.3 asks for illegal_parameter). */
  readonly downgrade: readonly string[];
}

/**
 * What goes on the wire when the library refuses its peer: the alerts our endpoint received
 * (none: the library closed without one). For an unknown CA and a bad CertificateVerify, the
 * library serving sends the same under TLS 1.2 as under 1.3 (both twins are checked against
 * one field). The lens cannot show this (in a simulation our endpoint sends its own alert);
 * docs/fidelity.md reports it.
 */
export function rejectionAlertsTest(lib: string, alerts: RefusalAlerts, pki: () => DiffPki, run: HarnessRun): void {
  it.each([
    ['server-rejects-unknown-ca', alerts.unknownCa],
    ['tls12-server-rejects-unknown-ca', alerts.unknownCa],
    ['server-rejects-bad-cv', alerts.badCv],
    ['tls12-server-rejects-bad-cv', alerts.badCv],
    ['server-cert-missing', alerts.certMissing],
    ['tls12-server-cert-missing', alerts.tls12CertMissing],
  ] as const)(`%s: ${lib} serving sends %j (real run)`, async (name, want) => {
    const got: string[] = [];
    await runOnClient(diffCase(name), pki(), run, undefined, (a) => got.push(a));
    expect(got).toEqual(want);
  });
  it.each([
    ['server-cv-bad', alerts.badServerSignature],
    ['tls12-server-cv-bad', alerts.tls12BadServerSignature],
    ['server-cert-untrusted', alerts.untrustedServer],
    ['tls12-downgrade', alerts.downgrade],
  ] as const)(`%s: ${lib}'s client sends %j (real run)`, async (name, want) => {
    let got: string[] | undefined;
    await runOnServer(diffCase(name), pki(), run, {
      onPeerAlerts: (a) => {
        got = a;
      },
    });
    expect(got).toEqual(want);
  });
}

/** Cases on which the mutant's outcomes differ from the real ones (`side`: the side the mutant lenses are for). */
export function mutantDisagreements(
  make: (sim: Simulation) => Lens,
  real: ReadonlyMap<DiffCase, readonly Outcome[]>,
  side: 'client' | 'server' = 'client',
): string[] {
  const differ: string[] = [];
  for (const [c, outcomes] of real) {
    // A mutant lens is for one side: the cases where the library plays the other are not its.
    if ((c.side ?? 'client') !== side) continue;
    const got = runCaseWith(c, make).outcomes;
    if (JSON.stringify(got) !== JSON.stringify(outcomes)) differ.push(c.name);
  }
  return differ;
}

/** A lens whose Write fails once a fatal alert has been read (Go keeps that error for Read only). */
export function writeFailsAfterAlertMutant(lib: LensName): (sim: Simulation) => Lens {
  return (sim) => {
    const lens = createLens(lib, sim, 'client', { blocking: true });
    const write = lens.write.bind(lens);
    lens.write = (data) => {
      const err = sim.endpoint('client').error;
      if (err !== undefined) return lens['record']('write', { data }, { kind: 'alert', alert: err.alert, received: true, first: false });
      return write(data);
    };
    return lens;
  };
}

/**
 * The cases where our client aborts the handshake itself, with the failure kind its endpoint
 * reports (packages/handshake/src/endpoint/errors.ts): each library's local-abort table must
 * hold that library's words for it, as observed.
 */
export const LOCAL_ABORT_CASES: ReadonlyArray<readonly [string, HandshakeErrorKind]> = [
  ['tls12-downgrade', 'downgrade_detected'],
  ['server-cert-untrusted', 'unknown_ca'],
];

/**
 * A lens that words a handshake its side aborted by the alert it sent alone — the endpoint's
 * error loses its failure kind (endpoint/errors.ts), so no local-abort table applies: what
 * every lens did before the tls12-downgrade case.
 */
export function localAbortByAlertMutant(lib: LensName): (sim: Simulation) => Lens {
  return (sim) => {
    const endpoint = sim.endpoint.bind(sim);
    sim.endpoint = (side) => {
      const ep = endpoint(side);
      if (side !== 'client') return ep;
      return new Proxy(ep, {
        get(target, prop) {
          if (prop === 'error') {
            const e = target.error;
            return e === undefined ? undefined : new TlsError(e.alert, e.message);
          }
          const v: unknown = Reflect.get(target, prop, target);
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    };
    return createLens(lib, sim, 'client', { blocking: true });
  };
}

/**
 * The case cv-rejected with the server's verdict replaced by each alert RFC 8446 §6 names:
 * connect, then one read meets it (close_notify and user_canceled included: how a library
 * takes them at fatal level differs).
 */
export function everyAlertCases(baseName: 'cv-rejected' | 'tls12-cv-rejected' = 'cv-rejected'): DiffCase[] {
  const base = diffCase(baseName);
  return (Object.keys(AlertDescription) as AlertName[]).map((alert) => ({
    ...base,
    name: `${base.server.version === 'TLSv1.2' ? 'tls12-' : ''}alert-${alert}`,
    title: `the server rejects the client's CertificateVerify with ${alert}`,
    server: { ...base.server, reject: alert },
    script: [{ op: 'connect' }, { op: 'read', n: 1024 }],
  }));
}

/**
 * The library serves, and our client rejects its certificate with each alert RFC 8446 §6
 * names (its serverCertVerifier): the library's accept meets the alert.
 */
export function everyAlertServerCases(baseName: 'server-rejected-by-client' | 'tls12-server-rejected-by-client' = 'server-rejected-by-client'): DiffCase[] {
  const { verifyServer: _trusting, ...base } = diffCase(baseName);
  return (Object.keys(AlertDescription) as AlertName[]).map((alert) => ({
    ...base,
    name: `${base.server.version === 'TLSv1.2' ? 'tls12-' : ''}server-alert-${alert}`,
    title: `our client rejects the library server's certificate with ${alert}`,
    client: { ...clientProgramOf(base), reject: alert },
  }));
}

/** Runs each case for real, `width` at a time; returns a line for each case whose lens outcomes differ from the real ones. */
export async function lensDisagreementsOver(lib: LensName, cases: readonly DiffCase[], run: (c: DiffCase) => Promise<Outcome[]>, width = 4): Promise<string[]> {
  const differ: string[] = [];
  for (let i = 0; i < cases.length; i += width) {
    const batch = cases.slice(i, i + width);
    const real = await Promise.all(batch.map(run));
    batch.forEach((c, j) => {
      const lens = lensOutcomes(lib, c);
      if (JSON.stringify(lens) !== JSON.stringify(real[j])) differ.push(`${c.name}: real ${JSON.stringify(real[j])}, lens ${JSON.stringify(lens)}`);
    });
  }
  return differ;
}

/**
 * Registers, inside a library's describe block, the every-alert tests: our server rejects the
 * library's client with each alert (TLS 1.3 and 1.2), and our client rejects the library's
 * server with each; the lens must say what the real library said.
 */
export function everyAlertTests(lib: LensName, run: (c: DiffCase) => Promise<Outcome[]>): void {
  // Fatal close_notify and user_canceled among them: how a library takes those differs from
  // our endpoint's reading of RFC 8446 §6.1.
  it.each(['cv-rejected', 'tls12-cv-rejected'] as const)(
    'every alert the server can send (%s): the lens says what the real library said (real runs)',
    async (base) => {
      expect(await lensDisagreementsOver(lib, everyAlertCases(base), run)).toEqual([]);
    },
    60_000,
  );
  it.each(['server-rejected-by-client', 'tls12-server-rejected-by-client'] as const)(
    'the library serves; our client rejects it with every alert (%s): the lens says what the real library said (real runs)',
    async (base) => {
      expect(await lensDisagreementsOver(lib, everyAlertServerCases(base), run)).toEqual([]);
    },
    90_000,
  );
}
