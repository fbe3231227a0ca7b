/**
 * Server identity check (RFC 6125 §6, as RFC 8446 §4.4.2.2 / RFC 5280 leave it to TLS).
 *
 * Modern behaviour, as browsers and OpenSSL's X509_check_host with SAN present do:
 * - only subjectAltName is consulted; the subject CN is never used (RFC 6125 §6.4.4
 *   permits the CN fallback only without SANs, and it is deprecated: RFC 9525 §6.3
 *   removes it). A certificate without a SAN matches no name.
 * - dNSName: case-insensitive, ignoring one trailing dot; a wildcard is allowed only as
 *   the whole left-most label ("*.example.com"), matches exactly one non-empty label, and
 *   needs at least two labels after it (no "*.com"), RFC 6125 §6.4.3 / RFC 9525 §6.3.
 * - an IP-address literal is compared with iPAddress SANs only, never with dNSNames.
 */
import type { X509Certificate } from './x509.js';

export function matchesHostname(cert: X509Certificate, hostname: string): boolean {
  const san = cert.subjectAltName;
  if (san === undefined) return false;
  const ip = parseIp(hostname);
  if (ip !== undefined) return san.ipAddressBytes.some((b) => b.length === ip.length && b.every((x, i) => x === ip[i]));
  const host = normalise(hostname);
  if (host === '' || host.split('.').some((l) => l === '')) return false;
  return san.dnsNames.some((pattern) => dnsNameMatches(normalise(pattern), host));
}

function normalise(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

export function dnsNameMatches(pattern: string, host: string): boolean {
  if (!pattern.startsWith('*.')) return pattern === host;
  const suffix = pattern.slice(2);
  if (suffix.includes('*') || suffix.split('.').length < 2) return false;
  const dot = host.indexOf('.');
  if (dot <= 0) return false;
  return host.slice(dot + 1) === suffix;
}

/** A 4- or 16-byte address for an IPv4 dotted quad or an IPv6 literal, else undefined. */
export function parseIp(s: string): Uint8Array | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    return parts.every((p) => p <= 255) ? Uint8Array.from(parts) : undefined;
  }
  const bare = s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s;
  if (!bare.includes(':') || !/^[0-9a-fA-F:.]+$/.test(bare)) return undefined;
  const halves = bare.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (g.includes('.')) {
        const four = parseIp(g);
        if (four?.length !== 4) return undefined;
        out.push((four[0]! << 8) | four[1]!, (four[2]! << 8) | four[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) out.push(parseInt(g, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const fill = 8 - head.length - tail.length;
  if ((halves.length === 1 && fill !== 0) || (halves.length === 2 && fill < 1)) return undefined;
  const all = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}
