/** DKIM key records (RFC 6376 §3.6.1, RFC 8301, RFC 8463): model, parse, render, validate, keys, builder. */
export type { DkimKeyRecord, DkimKeyType } from "./model";
export { DKIM_TAGS, KNOWN_KEY_TYPES, KNOWN_HASHES, ED25519_SPKI_PREFIX } from "./model";
export { parseDkim, isDkimKeyRecord } from "./parse";
export { renderDkim } from "./render";
export { validateDkim } from "./validate";
export type { DkimKeyInfo, KeyInspection } from "./key";
export { inspectDkimPublicKey, decodeDkimBase64, rsaSizeDiagnostics } from "./key";
export type { DkimPublicKey } from "./public-key";
export { publicKeyToDkim } from "./public-key";
export type { DkimArgs, DkimBuildOptions } from "./args";
export { validateDkimArgs, buildDkimRecord, DKIM_ARGS, DKIM_LIST_ARGS, MAX_PUBLIC_KEY_OCTETS } from "./args";
export type { SigningConfigOptions, SigningConfigs } from "./signing-config";
export { renderSigningConfigs } from "./signing-config";
