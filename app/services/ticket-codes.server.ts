import { createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from "node:crypto";
import {
  candidateKeys,
  keyIdOf,
  parseTicketCode,
  prepareTicketCode,
  type TicketPublicKey,
  type TicketVerifyResult,
} from "~/shared/ticket-code";

// Ed25519 ticket codes, server side. The format is defined once, in app/shared/ticket-code.ts (the
// kiosk verifies offline with WebCrypto); this module adds key generation and signing with
// node:crypto, and a synchronous verifier for the API.

export type { TicketPublicKey, TicketVerifyResult };
export { keyIdOf };

export interface EventKeyPair {
  /** Raw 32-byte Ed25519 public key, base64url: what kiosks receive. */
  publicKey: string;
  /** PKCS#8 DER, base64url. Keep it on the server only. */
  privateKey: string;
  /** Two characters carried in every code signed with this key (see keyIdOf). */
  keyId: string;
}

// DER headers of Ed25519 keys (RFC 8410): what precedes the 32 key bytes.
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** The 32 raw public key bytes, base64url (what codes and the kiosk carry). */
function rawPublicKey(key: KeyObject): string {
  const der = key.export({ format: "der", type: "spki" });
  if (der.length !== SPKI_PREFIX.length + 32 || !der.subarray(0, SPKI_PREFIX.length).equals(SPKI_PREFIX))
    throw new TypeError("not an Ed25519 public key");
  return der.subarray(SPKI_PREFIX.length).toString("base64url");
}

/**
 * A fresh key pair for an event. Pass the event's current key ids to get a new one that differs
 * (ids are 12 bits; a clash would be harmless for verification, but confusing in a key list).
 */
export function generateEventKeyPair(options: { avoidKeyIds?: Iterable<string> } = {}): EventKeyPair {
  const avoid = new Set(options.avoidKeyIds ?? []);
  for (let attempt = 0; attempt < 1000; attempt++) {
    // An Ed25519 private key is any 32 random bytes. Not generateKeyPairSync: Node 20 can deadlock
    // when GC frees its key-generation job while a key of that pair is being exported (seen
    // here: KeyGenJob::~KeyGenJob waiting on the mutex ExportJWKEdKey holds).
    const der = Buffer.concat([PKCS8_PREFIX, randomBytes(32)]);
    const publicKey = rawPublicKey(createPublicKey(createPrivateKey({ key: der, format: "der", type: "pkcs8" })));
    const keyId = keyIdOf(publicKey);
    if (avoid.has(keyId)) continue;
    return { publicKey, privateKey: der.toString("base64url"), keyId };
  }
  throw new Error("no free key id left for this event");
}

/** Signs a registration id (a UUID gives a 110-character code; see the format notes). */
export function signTicketCode(registrationId: string, key: Pick<EventKeyPair, "privateKey">): string {
  const privateKey = createPrivateKey({ key: Buffer.from(key.privateKey, "base64url"), format: "der", type: "pkcs8" });
  if (privateKey.asymmetricKeyType !== "ed25519") throw new TypeError("not an Ed25519 private key");
  const code = prepareTicketCode(registrationId, keyIdOf(rawPublicKey(createPublicKey(privateKey))));
  return code.finish(sign(null, code.message, privateKey));
}

// Parsing a key into a KeyObject costs more than the signature check itself (profile in
// docs/performance.md): keep the parsed keys. Public keys only, a handful per event.
const publicKeyObjects = new Map<string, KeyObject>();

function publicKeyObject(raw: string): KeyObject {
  let key = publicKeyObjects.get(raw);
  if (!key) {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(raw, "base64url")]), format: "der", type: "spki" });
    if (publicKeyObjects.size >= 1000) publicKeyObjects.clear();
    publicKeyObjects.set(raw, key);
  }
  return key;
}

/** Accepts a code signed by any of the event's keys (old keys stay valid until removed). */
export function verifyTicketCode(code: string, publicKeys: readonly TicketPublicKey[]): TicketVerifyResult {
  const parsed = parseTicketCode(code);
  if (!parsed) return { ok: false, reason: "malformed" };
  const keys = candidateKeys(publicKeys, parsed.keyId);
  if (keys.length === 0) return { ok: false, reason: "unknown-key" };
  for (const x of keys) {
    const publicKey = publicKeyObject(x);
    if (verify(null, parsed.message, publicKey, parsed.signature)) {
      return { ok: true, registrationId: parsed.registrationId, keyId: parsed.keyId };
    }
  }
  return { ok: false, reason: "bad-signature" };
}
