/** The attacker's ClientHello rewrite (mitm.ts), on a real ClientHello of our 1.2+1.3 client. */
import { describe, expect, it } from 'vitest';
import { createTlsEndpoint, nobleProvider, seededRandom } from '@tls13sim/handshake';
import { stripClientHelloExtension } from '../../packages/sim/src/scenarios/attacks.js';
import { withEmptyExtension } from './mitm.js';

/** RFC 7627 §5.1. */
const EMS = 23;

function clientHelloRecord(): Uint8Array {
  const ep = createTlsEndpoint({ role: 'client', versions: ['TLSv1.2', 'TLSv1.3'], crypto: nobleProvider, random: seededRandom('mitm-test'), insecure: true });
  ep.start(0);
  const r = ep.pollTransmit();
  if (r === null) throw new Error('no ClientHello');
  return r;
}

describe('mitm: adding an empty extended_master_secret', () => {
  it('appends it, with every length fixed, to a ClientHello without it', () => {
    const without = stripClientHelloExtension(clientHelloRecord(), EMS);
    expect(without).toBeDefined();
    const added = withEmptyExtension(without!, EMS);
    expect(added.length).toBe(without!.length + 4);
    // The strip parses the whole record (undefined on any inconsistent length) and finds the extension.
    expect(stripClientHelloExtension(added, EMS)).toEqual(without);
  });

  it('leaves a ClientHello that has it as it was', () => {
    const original = clientHelloRecord();
    expect(withEmptyExtension(original, EMS)).toBe(original);
  });
});
