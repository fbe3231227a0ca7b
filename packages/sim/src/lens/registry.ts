/** Every lens by name: `tls13sim run <scenario> --lens NAME` and the differential tests use this. */
import type { Simulation } from '../simulation.js';
import type { Side } from '../trace.js';
import { GnutlsLens } from './gnutls.js';
import { GoLens } from './go.js';
import { LENS_NAMES, type Lens, type LensName, type LensOptions } from './lens.js';
import { NodeLens } from './node.js';
import { OpenSslLens } from './openssl.js';
import { PythonLens } from './python.js';
import { RustlsLens } from './rustls.js';

/**
 * Which lenses run against the real library in a differential test (test/differential/),
 * and which are modelled from documentation only.
 */
export const LENS_VERIFIED: Readonly<Record<LensName, boolean>> = {
  openssl: true,
  node: true,
  go: true,
  python: true,
  gnutls: true,
  rustls: true,
};

export function isLensName(name: string): name is LensName {
  return (LENS_NAMES as readonly string[]).includes(name);
}

export function createLens(name: LensName, sim: Simulation, side: Side, opts?: LensOptions): Lens {
  switch (name) {
    case 'openssl':
      return new OpenSslLens(sim, side, opts);
    case 'node':
      return new NodeLens(sim, side, opts);
    case 'go':
      return new GoLens(sim, side, opts);
    case 'python':
      return new PythonLens(sim, side, opts);
    case 'gnutls':
      return new GnutlsLens(sim, side, opts);
    case 'rustls':
      return new RustlsLens(sim, side, opts);
  }
}
