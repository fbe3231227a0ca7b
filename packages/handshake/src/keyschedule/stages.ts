/**
 * The RFC 8446 §7.1 key schedule as three typed stages. Each stage can only be reached from
 * the one before, and offers exactly the secrets the RFC derives at that stage:
 *
 *              0
 *              |
 *              v
 *    PSK ->  HKDF-Extract = Early Secret          → binder keys, c e traffic, e exp master
 *              |
 *              v
 *        Derive-Secret(., "derived", "")
 *              |
 *              v
 * (EC)DHE -> HKDF-Extract = Handshake Secret      → c hs traffic, s hs traffic
 *              |
 *              v
 *        Derive-Secret(., "derived", "")
 *              |
 *              v
 *   0 -> HKDF-Extract = Master Secret             → c ap traffic, s ap traffic,
 *                                                   exp master, res master
 *
 * Transcript-hash arguments are named for the messages they must cover (§7.1's table).
 * Pure: every value is a function of the inputs and the provider.
 */
import type { CryptoProvider, HashName } from '../crypto/provider.js';
import { deriveSecret, emptyHash } from './hkdf-label.js';

/** §7.1: "0" is "a string of Hash.length bytes set to zero". */
function zeros(provider: CryptoProvider, hash: HashName): Uint8Array {
  return new Uint8Array(provider.hashLength(hash));
}

function checkLength(provider: CryptoProvider, hash: HashName, secret: Uint8Array, what: string): void {
  const n = provider.hashLength(hash);
  if (secret.length !== n) throw new RangeError(`${what}: ${secret.length} bytes, ${hash} needs ${n}`);
}

export type BinderKind = 'external' | 'resumption';

/**
 * Without a PSK, the Early Secret and its "derived" salt are HKDF of constants only (§7.1:
 * zeros for salt and IKM, Hash("") as context), so for a given provider (whose calls are
 * pure, provider.ts) and hash they are constants too: computed once per provider object and
 * hash, held as long as the provider is (WeakMap), at most one pair per hash function.
 */
interface NoPskConstants {
  readonly early: Uint8Array;
  readonly derived: Uint8Array;
}
const noPskConstants = new WeakMap<CryptoProvider, Map<HashName, NoPskConstants>>();

/** Early Secret = HKDF-Extract(0, PSK) (§7.1). */
export class EarlySecret {
  private constructor(
    readonly provider: CryptoProvider,
    readonly hash: HashName,
    readonly secret: Uint8Array,
    /** Derive-Secret(secret, "derived", ""), when already known (the no-PSK constants). */
    private readonly derived?: Uint8Array,
  ) {}

  /** With a PSK (resumption or external, §4.2.11). */
  static fromPsk(provider: CryptoProvider, hash: HashName, psk: Uint8Array): EarlySecret {
    return new EarlySecret(provider, hash, provider.hkdfExtract(hash, zeros(provider, hash), psk));
  }

  /** §7.1: "if PSK is not in use, IKM is a string of Hash.length bytes set to zero". */
  static withoutPsk(provider: CryptoProvider, hash: HashName): EarlySecret {
    let byHash = noPskConstants.get(provider);
    if (byHash === undefined) noPskConstants.set(provider, (byHash = new Map()));
    let c = byHash.get(hash);
    if (c === undefined) {
      const computed = EarlySecret.fromPsk(provider, hash, zeros(provider, hash));
      c = { early: computed.secret.slice(), derived: computed.derivedSecret() };
      byHash.set(hash, c);
    }
    // Copies: the caller owns its secrets, the constants stay as computed.
    return new EarlySecret(provider, hash, c.early.slice(), c.derived.slice());
  }

  /** binder_key = Derive-Secret(., "ext binder" | "res binder", "") (§7.1, §4.2.11.2). */
  binderKey(kind: BinderKind): Uint8Array {
    const label = kind === 'external' ? 'ext binder' : 'res binder';
    return deriveSecret(this.provider, this.hash, this.secret, label, emptyHash(this.provider, this.hash));
  }

  /** client_early_traffic_secret = Derive-Secret(., "c e traffic", ClientHello) (§7.1). */
  clientEarlyTrafficSecret(clientHelloHash: Uint8Array): Uint8Array {
    return deriveSecret(this.provider, this.hash, this.secret, 'c e traffic', clientHelloHash);
  }

  /** early_exporter_master_secret = Derive-Secret(., "e exp master", ClientHello) (§7.1). */
  earlyExporterMasterSecret(clientHelloHash: Uint8Array): Uint8Array {
    return deriveSecret(this.provider, this.hash, this.secret, 'e exp master', clientHelloHash);
  }

  /** Derive-Secret(., "derived", ""): the salt of the next extraction (§7.1). */
  derivedSecret(): Uint8Array {
    if (this.derived !== undefined) return this.derived.slice();
    return deriveSecret(this.provider, this.hash, this.secret, 'derived', emptyHash(this.provider, this.hash));
  }

  /**
   * Handshake Secret = HKDF-Extract(Derive-Secret(., "derived", ""), (EC)DHE) (§7.1).
   * `null` for psk_ke (no (EC)DHE): "If a given secret is not available, then the 0-value
   * consisting of a string of Hash.length bytes set to zeros is used".
   */
  handshakeSecret(sharedSecret: Uint8Array | null): HandshakeSecret {
    const ikm = sharedSecret ?? zeros(this.provider, this.hash);
    return HandshakeSecret.fromRaw(this.provider, this.hash, this.provider.hkdfExtract(this.hash, this.derivedSecret(), ikm));
  }
}

/** Handshake Secret (§7.1). */
export class HandshakeSecret {
  private constructor(
    readonly provider: CryptoProvider,
    readonly hash: HashName,
    readonly secret: Uint8Array,
  ) {}

  /** For tests and tools that hold a raw secret; the protocol path is `EarlySecret.handshakeSecret`. */
  static fromRaw(provider: CryptoProvider, hash: HashName, secret: Uint8Array): HandshakeSecret {
    checkLength(provider, hash, secret, 'HandshakeSecret');
    return new HandshakeSecret(provider, hash, secret.slice());
  }

  /** client_handshake_traffic_secret = Derive-Secret(., "c hs traffic", ClientHello...ServerHello). */
  clientHandshakeTrafficSecret(helloHash: Uint8Array): Uint8Array {
    return deriveSecret(this.provider, this.hash, this.secret, 'c hs traffic', helloHash);
  }

  /** server_handshake_traffic_secret = Derive-Secret(., "s hs traffic", ClientHello...ServerHello). */
  serverHandshakeTrafficSecret(helloHash: Uint8Array): Uint8Array {
    return deriveSecret(this.provider, this.hash, this.secret, 's hs traffic', helloHash);
  }

  derivedSecret(): Uint8Array {
    return deriveSecret(this.provider, this.hash, this.secret, 'derived', emptyHash(this.provider, this.hash));
  }

  /** Master Secret = HKDF-Extract(Derive-Secret(., "derived", ""), 0) (§7.1). */
  masterSecret(): MasterSecret {
    const secret = this.provider.hkdfExtract(this.hash, this.derivedSecret(), zeros(this.provider, this.hash));
    return MasterSecret.fromRaw(this.provider, this.hash, secret);
  }
}

/** Master Secret (§7.1). */
export class MasterSecret {
  private constructor(
    readonly provider: CryptoProvider,
    readonly hash: HashName,
    readonly secret: Uint8Array,
  ) {}

  static fromRaw(provider: CryptoProvider, hash: HashName, secret: Uint8Array): MasterSecret {
    checkLength(provider, hash, secret, 'MasterSecret');
    return new MasterSecret(provider, hash, secret.slice());
  }

  /** client_application_traffic_secret_0 = Derive-Secret(., "c ap traffic", ClientHello...server Finished). */
  clientApplicationTrafficSecret(serverFinishedHash: Uint8Array): Uint8Array {
    return deriveSecret(this.provider, this.hash, this.secret, 'c ap traffic', serverFinishedHash);
  }

  /** server_application_traffic_secret_0 = Derive-Secret(., "s ap traffic", ClientHello...server Finished). */
  serverApplicationTrafficSecret(serverFinishedHash: Uint8Array): Uint8Array {
    return deriveSecret(this.provider, this.hash, this.secret, 's ap traffic', serverFinishedHash);
  }

  /** exporter_master_secret = Derive-Secret(., "exp master", ClientHello...server Finished). */
  exporterMasterSecret(serverFinishedHash: Uint8Array): Uint8Array {
    return deriveSecret(this.provider, this.hash, this.secret, 'exp master', serverFinishedHash);
  }

  /** resumption_master_secret = Derive-Secret(., "res master", ClientHello...client Finished). */
  resumptionMasterSecret(clientFinishedHash: Uint8Array): Uint8Array {
    return deriveSecret(this.provider, this.hash, this.secret, 'res master', clientFinishedHash);
  }
}
