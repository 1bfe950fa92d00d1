import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto";
import {
  candidateKeys,
  keyIdOf,
  parseTicketCode,
  prepareTicketCode,
  type TicketPublicKey,
  type TicketVerifyResult,
} from "../../kiosk/verify-code";

// Ed25519 ticket codes, server side. The format is defined once, in kiosk/verify-code.ts (the
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

/**
 * A fresh key pair for an event. Pass the event's current key ids to get a new one that differs
 * (ids are 12 bits; a clash would be harmless for verification, but confusing in a key list).
 */
export function generateEventKeyPair(options: { avoidKeyIds?: Iterable<string> } = {}): EventKeyPair {
  const avoid = new Set(options.avoidKeyIds ?? []);
  for (let attempt = 0; attempt < 1000; attempt++) {
    const pair = generateKeyPairSync("ed25519");
    const publicKey = pair.publicKey.export({ format: "jwk" }).x;
    if (!publicKey) throw new Error("Ed25519 public key export failed");
    const keyId = keyIdOf(publicKey);
    if (avoid.has(keyId)) continue;
    const privateKey = pair.privateKey.export({ format: "der", type: "pkcs8" }).toString("base64url");
    return { publicKey, privateKey, keyId };
  }
  throw new Error("no free key id left for this event");
}

/** Signs a registration id (a UUID gives a 110-character code; see the format notes). */
export function signTicketCode(registrationId: string, key: Pick<EventKeyPair, "privateKey">): string {
  const privateKey = createPrivateKey({ key: Buffer.from(key.privateKey, "base64url"), format: "der", type: "pkcs8" });
  if (privateKey.asymmetricKeyType !== "ed25519") throw new TypeError("not an Ed25519 private key");
  const publicKey = createPublicKey(privateKey).export({ format: "jwk" }).x;
  if (!publicKey) throw new Error("Ed25519 public key export failed");
  const code = prepareTicketCode(registrationId, keyIdOf(publicKey));
  return code.finish(sign(null, code.message, privateKey));
}

/** Accepts a code signed by any of the event's keys (old keys stay valid until removed). */
export function verifyTicketCode(code: string, publicKeys: readonly TicketPublicKey[]): TicketVerifyResult {
  const parsed = parseTicketCode(code);
  if (!parsed) return { ok: false, reason: "malformed" };
  const keys = candidateKeys(publicKeys, parsed.keyId);
  if (keys.length === 0) return { ok: false, reason: "unknown-key" };
  for (const x of keys) {
    const publicKey = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x }, format: "jwk" });
    if (verify(null, parsed.message, publicKey, parsed.signature)) {
      return { ok: true, registrationId: parsed.registrationId, keyId: parsed.keyId };
    }
  }
  return { ok: false, reason: "bad-signature" };
}
