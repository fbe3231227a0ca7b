/**
 * Imports every scenario module so it registers itself (docs/architecture.md "How to add a scenario"). Each
 * module holds one group of scenarios over the real endpoints.
 */
import './handshake.js';
import './client-auth.js';
import './reading.js';
import './resumption.js';
import './post-handshake.js';
import './rfc8448/scenarios.js';
import './rfc8448-resumed.js';
import './tls12.js';
