/**
 * A SealedTicketIssuer ticket is key id (u32) || nonce (12) || AES-256-GCM(ticket key,
 * nonce, aad = those 16 bytes, state). Opened here with OpenSSL directly, for each
 * provider and for an AEAD without sealInto, so the layout is pinned by something other
 * than our own open.
 */
import { createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '@tls13sim/record';
import { createNodeProvider, nobleProvider, SealedTicketIssuer, seededRandom, type CryptoProvider, type TicketState } from '@tls13sim/handshake';
import { sealOnlyAead } from './endpoint-helpers.js';

const state: TicketState = {
  suite: 'TLS_AES_128_GCM_SHA256',
  psk: Uint8Array.from({ length: 32 }, (_, i) => i),
  issuedAt: 0x1_2345_6789,
  ticketAgeAdd: 0xdeadbeef,
  lifetime: 7200,
  maxEarlyData: 1024,
  alpn: 'h2',
  id: Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i),
};

/** The state's encoding, written out field by field. */
const expectedState = toHex(
  new Uint8Array([
    1,
    ...[22, ...utf8('TLS_AES_128_GCM_SHA256')],
    ...[32, ...state.psk],
    ...[0, 0, 0, 1, 0x23, 0x45, 0x67, 0x89],
    ...[0xde, 0xad, 0xbe, 0xef],
    ...[0, 0, 0x1c, 0x20],
    ...[0, 0, 4, 0],
    ...[2, ...utf8('h2')],
    ...[16, ...state.id],
  ]),
);

/** `inner` with its AEAD's sealInto taken away. */
function sealOnly(inner: CryptoProvider): CryptoProvider {
  return { ...inner, aead: (name) => sealOnlyAead(inner.aead(name)) };
}

describe('sealed session tickets', () => {
  const providers: [string, CryptoProvider | undefined][] = [
    ['node', createNodeProvider()],
    ['noble', nobleProvider],
    ['seal only', sealOnly(createNodeProvider())],
    ['no provider', undefined],
  ];
  for (const [what, crypto] of providers) {
    it(`${what}: key id, nonce and the AES-256-GCM-sealed state, which OpenSSL opens`, () => {
      const keyRand = seededRandom('ticket-format-keys');
      const issuer = new SealedTicketIssuer(seededRandom('ticket-format-keys'));
      const ticketKey = keyRand.bytes(32);
      const ticket = issuer.issue(state, seededRandom('ticket-format-nonce'), crypto);
      const nonce = seededRandom('ticket-format-nonce').bytes(12);
      expect(toHex(ticket.subarray(0, 16))).toBe(`00000001${toHex(nonce)}`);
      const d = createDecipheriv('aes-256-gcm', ticketKey, nonce, { authTagLength: 16 });
      d.setAAD(ticket.subarray(0, 16));
      d.setAuthTag(ticket.subarray(ticket.length - 16));
      const plain = Buffer.concat([d.update(ticket.subarray(16, ticket.length - 16)), d.final()]);
      expect(plain.toString('hex')).toBe(expectedState);
      expect(issuer.open(ticket, crypto)).toEqual(state);
    });
  }
});
