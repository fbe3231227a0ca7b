/** Issue 8 property `post-handshake` (long runs: `pnpm explore --property post-handshake --runs N --seed S`). */
import { describe, it } from 'vitest';
import { expectPropertyHolds } from './properties-helpers.js';

describe('property: post-handshake', () => {
  it('NewSessionTicket, KeyUpdate and post-handshake CertificateRequest interleaved with application data in any order are all handled', () => {
    expectPropertyHolds('post-handshake');
  }, 120_000);
});
