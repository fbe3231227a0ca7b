/**
 * Each library's names for the calls the notes speak of, so that a note seen through a lens
 * names that library's calls (spec-types.ts `NoteLenses`), as the lenses record them (`api`
 * of each `app_call`).
 */
import { LENS_NAMES, type LensName } from '../lens/lens.js';
import { appCall, type Note } from './narrate.js';
import type { NoteLenses } from './spec-types.js';

export type OtherLens = Exclude<LensName, 'openssl'>;

const OTHER_LENSES: readonly OtherLens[] = LENS_NAMES.filter((l): l is OtherLens => l !== 'openssl');

/** The client's handshake call, and what it returns when the client's handshake is complete. */
export const CONNECT_OK: Readonly<Record<OtherLens, string>> = {
  go: 'Conn.Handshake returning nil',
  python: 'do_handshake() returning None',
  gnutls: 'gnutls_handshake returning 0',
  rustls: 'complete_io returning Ok',
  node: "'secureConnect' firing",
};

/** The client's handshake call failing (the lenses' words for tls12-client-cv-rejected). */
export const CONNECT_FAILS: Readonly<Record<OtherLens, string>> = {
  go: 'Conn.Handshake returns the remote error',
  python: 'do_handshake() raises SSLError',
  gnutls: 'gnutls_handshake returns GNUTLS_E_FATAL_ALERT_RECEIVED',
  rustls: 'complete_io returns Err',
  node: "'error' fires instead of 'secureConnect'",
};

/** A `lenses` entry for every library but OpenSSL, from what `say` gives for each (null: left out). */
export function inOtherLenses(say: (lens: OtherLens) => string | null): NoteLenses {
  return Object.fromEntries(OTHER_LENSES.map((l) => [l, say(l)]));
}

/** A `lenses` entry that leaves the note out through these libraries' lenses. */
export function leftOutIn(...lenses: readonly OtherLens[]): NoteLenses {
  return Object.fromEntries(lenses.map((l) => [l, null]));
}

/**
 * The note after the client's first shutdown call: it sends its close_notify, and waits for
 * the server's or not (a fresh anchor per run: each is used by one pass over the events).
 */
export const clientClose = (): Note => ({
  after: appCall('client', 'shutdown'),
  text: "The client sends close_notify (§6.1); shutdown() waits for the server's.",
  lenses: {
    python: "The client sends close_notify (§6.1); unwrap() waits for the server's.",
    gnutls: "The client sends close_notify (§6.1); gnutls_bye waits for the server's.",
    go: "The client sends close_notify (§6.1), and Conn.Close returns at once: Go does not wait for the server's.",
    rustls: "The client queues its close_notify (§6.1) with send_close_notify, which returns at once: rustls does not wait for the server's.",
    node: "The client sends close_notify (§6.1): socket.end() returns at once, and 'end' fires when the server's arrives.",
  },
});
