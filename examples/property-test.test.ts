// The property as a test: fast-check runs it; a failure shows the shrunk case's timeline
// and the `tls13sim replay FILE` command that replays it byte for byte.
import { it } from 'vitest';
import { tlsProperty } from '@tls13sim/sim/vitest';
import { badCvSurfacesOnRead } from './cv-property.js';

it('a bad CertificateVerify surfaces on the first read, whatever the network does', () => {
  tlsProperty(badCvSurfacesOnRead, { numRuns: 25, seed: 42 });
});
