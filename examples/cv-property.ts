// A property of our own, in a module of its own (so `tls13sim replay` can load it): however
// the network cuts and orders the records, a client whose CertificateVerify is bad learns
// of it on its first read — never on connect or write.
import fc from 'fast-check';
import { checkSurfaceAlertOn, clientServerPair, defineTlsProperty, openSslLens, testPki, type DeliveryUnit } from '@tls13sim/sim';

export const badCvSurfacesOnRead = defineTlsProperty({
  name: 'bad-cv-surfaces-on-read',
  module: import.meta.url,
  arbitrary: fc.record({
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    unit: fc.constantFrom<DeliveryUnit>({ kind: 'flight' }, { kind: 'record' }, { kind: 'bytes', n: 5 }, { kind: 'split' }),
  }),
  simulate({ seed, unit }, replay) {
    const sim = clientServerPair({
      seed,
      policy: { unit, interleave: 'random' },
      server: { clientAuth: 'require' },
      clientCertificate: testPki().bad.client.wrongKey,
      ...(replay !== undefined ? { replay } : {}),
    });
    const ssl = openSslLens(sim, 'client', { blocking: true });
    ssl.connect();
    ssl.write(new TextEncoder().encode('hello'));
    ssl.read(100);
    return sim;
  },
  check: (sim) => checkSurfaceAlertOn(sim.toTrace(), 'read', 'decrypt_error', { side: 'client' }).pass,
});
