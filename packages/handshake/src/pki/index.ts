/** PKI: DER, X.509, PEM, keys, chain verification, host names, a certificate builder. */
export * from './der.js';
export * from './der-write.js';
export * from './oids.js';
export * from './keys-der.js';
export * from './x509.js';
export * from './pem.js';
export * from './keygen.js';
export * from './signed-data.js';
export * from './hostname.js';
export * from './builder.js';
export * from './verify.js';
