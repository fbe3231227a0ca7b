/**
 * One colour per key epoch, the same in every view (SVG and HTML timelines, the stepper).
 * Each is dark enough for text on white (contrast ≥ 4.5:1); the views also write the
 * epoch in RFC 8446 §2's brackets, so colour is never the only cue.
 */
import type { EpochName } from '@tls13sim/handshake';

export const EPOCH_COLOURS: Readonly<Record<'plaintext' | 'early' | 'handshake' | 'application', string>> = {
  plaintext: '#57606a',
  early: '#b35900',
  handshake: '#0b5fad',
  application: '#1a7f37',
};

/** application+1, +2, …: after a KeyUpdate (§4.6.3), cycling if there are more. */
const APPLICATION_N: readonly string[] = ['#8250df', '#bf3989', '#8a6100', '#0e7490'];

/** TLS 1.2's one protected epoch (RFC 5246 §6.1), from each side's ChangeCipherSpec on. */
export const TLS12_COLOUR = '#6639ba';

export function epochColour(epoch: EpochName): string {
  if (epoch === 'plaintext' || epoch === 'early' || epoch === 'handshake' || epoch === 'application') return EPOCH_COLOURS[epoch];
  if (epoch === 'tls12') return TLS12_COLOUR;
  const n = Number(epoch.slice('application+'.length));
  if (!Number.isInteger(n) || n < 1) return EPOCH_COLOURS.application;
  return APPLICATION_N[(n - 1) % APPLICATION_N.length]!;
}

/** The epochs in the order a connection goes through them: plaintext, early, handshake, application, application+1, …; TLS 1.2's tls12 after plaintext. */
export function compareEpochs(a: EpochName, b: EpochName): number {
  return epochRank(a) - epochRank(b);
}

function epochRank(e: EpochName): number {
  if (e === 'plaintext') return 0;
  if (e === 'tls12') return 0.5;
  if (e === 'early') return 1;
  if (e === 'handshake') return 2;
  if (e === 'application') return 3;
  const n = Number(e.slice('application+'.length));
  return 3 + (Number.isFinite(n) ? n : 0);
}
