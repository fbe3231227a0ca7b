/**
 * createTlsEndpoint: an endpoint for the versions of `config.versions` (RFC 8446 §4.2.1).
 * ['TLSv1.3'] (the default) is the 1.3 `Endpoint`, unchanged; ['TLSv1.2'] the TLS 1.2
 * endpoint; both an endpoint that negotiates (versioned.ts).
 */
import type { TlsEndpoint } from '../endpoint/api.js';
import type { EndpointConfig } from '../endpoint/config.js';
import { Endpoint } from '../endpoint/endpoint.js';
import { Tls12Endpoint } from './endpoint.js';
import { VersionedEndpoint } from './versioned.js';

export function createTlsEndpoint(config: EndpointConfig): TlsEndpoint {
  const versions = config.versions ?? ['TLSv1.3'];
  const v12 = versions.includes('TLSv1.2');
  const v13 = versions.includes('TLSv1.3');
  if (versions.length === 0 || versions.some((v) => v !== 'TLSv1.2' && v !== 'TLSv1.3')) {
    throw new Error(`EndpointConfig: versions must name TLSv1.2 and/or TLSv1.3, got ${JSON.stringify(versions)}`);
  }
  if (!v12) return new Endpoint(config);
  if (!v13) return new Tls12Endpoint(config);
  return new VersionedEndpoint(config);
}
