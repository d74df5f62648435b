/** Key material for tests that must tell private keys from public ones. */
import { createPrivateKey, createPublicKey } from "node:crypto";
import { isEd25519Point } from "../../components/records/private-key";

const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/**
 * An Ed25519 key whose 32-byte private seed is not itself a curve point (about half of all seeds),
 * found deterministically: the seed a user pastes by mistake where the public key belongs.
 */
export function ed25519SeedOffCurve(): { seed: Buffer; publicRaw: Buffer; privateKeyPem: string } {
  for (let i = 0; ; i++) {
    const seed = Buffer.alloc(32, i);
    if (isEd25519Point(seed)) continue;
    const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: "der", type: "pkcs8" });
    const publicRaw = createPublicKey(key).export({ type: "spki", format: "der" }).subarray(12);
    return { seed, publicRaw, privateKeyPem: key.export({ type: "pkcs8", format: "pem" }).toString() };
  }
}
