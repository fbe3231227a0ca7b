/**
 * Imports every scenario module so it registers itself. The catalogue of DESIGN.md lands
 * here with the real endpoint (`createEndpoint` from @tls13sim/handshake).
 */
export {};
