/**
 * Judging a TLS peer the way an MTA-STS sender must (RFC 8461 §4.2 for MX hosts, §3.3 for the policy host): the
 * chain ends at a trusted root, the certificate is inside its validity dates, and a subjectAltName DNS-ID names
 * the host (the core's rule, `certificateNamesHost`). The handshake itself is made with `rejectUnauthorized: false`
 * so that every problem can be named instead of one opaque handshake error; the verdict is ours.
 */
import * as fs from "node:fs";
import * as tls from "node:tls";
import { certificateNamesHost } from "../../../components/records/mta-sts";

export type CertificateProblemKind = "expired" | "not-yet-valid" | "untrusted" | "name-mismatch";

export interface CertificateProblem {
  kind: CertificateProblemKind;
  /** One sentence about the certificate, e.g. "its certificate expired on 2026-01-05 (…)". */
  message: string;
}

export interface CertificateSummary {
  subject: string;
  issuer: string;
  /** subjectAltName DNS names. */
  names: string[];
  validFrom: string;
  validTo: string;
  /** SHA-256 fingerprint, colon-separated hex. */
  fingerprint256: string;
}

export interface PeerJudgement {
  protocol: string;
  cipher: string;
  certificate?: CertificateSummary;
  problems: CertificateProblem[];
}

/** The trust store of a run: Node's bundled roots plus the PEM certificates of `--ca`. */
export function trustStore(extra: readonly string[] = []): string[] {
  return [...tls.rootCertificates, ...extra];
}

/** The certificates of a PEM file given to `--ca`; throws a readable Error when there is none. */
export function readCaFile(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  const pems = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (pems.length === 0) throw new Error(`--ca ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  return pems;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** subjectAltName "DNS:a, DNS:b, IP Address:…" → ["a", "b"]. */
export function sanDnsNames(subjectaltname: string | undefined): string[] {
  if (!subjectaltname) return [];
  return subjectaltname
    .split(/,\s*/)
    .filter((e) => e.startsWith("DNS:"))
    .map((e) => e.slice(4).trim());
}

const UNTRUSTED: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: "it is self-signed",
  SELF_SIGNED_CERT_IN_CHAIN: "its chain ends in a self-signed certificate that is not a trusted root",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "its issuer is not a trusted certificate authority (or the server does not send the intermediate certificate)",
  UNABLE_TO_GET_ISSUER_CERT: "its issuer's certificate cannot be found (the server does not send the intermediate certificate)",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "its chain cannot be verified up to a trusted root (the server does not send the intermediate certificate, or the issuer is unknown)",
  CERT_SIGNATURE_FAILURE: "its signature does not verify",
  CERT_REVOKED: "it is revoked",
};

/** Judge the peer of a finished handshake. `now` is injectable for tests of the date rules. */
export function judgePeer(socket: tls.TLSSocket, host: string, now: Date = new Date()): PeerJudgement {
  const protocol = socket.getProtocol() ?? "unknown";
  const cipher = socket.getCipher()?.name ?? "unknown";
  const peer = socket.getPeerCertificate(false);
  if (!peer || Object.keys(peer).length === 0) {
    return { protocol, cipher, problems: [{ kind: "untrusted", message: "it presents no certificate" }] };
  }
  const validFrom = new Date(peer.valid_from);
  const validTo = new Date(peer.valid_to);
  const names = sanDnsNames(peer.subjectaltname);
  const certificate: CertificateSummary = {
    subject: peer.subject?.CN ? `CN=${[peer.subject.CN].flat().join(",")}` : JSON.stringify(peer.subject ?? {}),
    issuer: [peer.issuer?.CN ? `CN=${[peer.issuer.CN].flat().join(",")}` : "", peer.issuer?.O ? `O=${[peer.issuer.O].flat().join(",")}` : ""].filter(Boolean).join(", ") || "unknown",
    names,
    validFrom: validFrom.toISOString(),
    validTo: validTo.toISOString(),
    fingerprint256: peer.fingerprint256,
  };
  const problems: CertificateProblem[] = [];
  // The dates are judged here, not only by OpenSSL: it reports one error, and "self-signed" would hide "expired".
  if (validTo.getTime() < now.getTime()) problems.push({ kind: "expired", message: `its certificate expired on ${day(validTo)} (${validTo.toISOString()})` });
  if (validFrom.getTime() > now.getTime()) problems.push({ kind: "not-yet-valid", message: `its certificate is not valid before ${day(validFrom)} (${validFrom.toISOString()})` });
  // authorizationError is OpenSSL's verification code (DEPTH_ZERO_SELF_SIGNED_CERT, …); the name is not part of
  // it (checkServerIdentity is switched off), so only the chain and its dates are.
  const codeName = socket.authorized ? undefined : String(socket.authorizationError ?? "UNKNOWN_VERIFY_ERROR");
  if (codeName && codeName !== "CERT_HAS_EXPIRED" && codeName !== "CERT_NOT_YET_VALID") {
    problems.push({ kind: "untrusted", message: `its certificate is not trusted: ${UNTRUSTED[codeName] ?? codeName.toLowerCase().replace(/_/g, " ")} (${codeName}; issuer ${certificate.issuer})` });
  } else if (codeName && !problems.some((p) => p.kind === "expired" || p.kind === "not-yet-valid")) {
    // The leaf's dates are fine, so a certificate further up the chain is out of its dates.
    problems.push({ kind: "untrusted", message: `a certificate in its chain is ${codeName === "CERT_HAS_EXPIRED" ? "expired" : "not yet valid"} (${codeName}; issuer ${certificate.issuer})` });
  }
  if (!certificateNamesHost(names, host)) {
    const shown = names.length ? `it names ${names.join(", ")}` : `it has no subjectAltName DNS name (only ${certificate.subject}), and MTA-STS requires one`;
    problems.push({ kind: "name-mismatch", message: `its certificate does not name ${host}: ${shown}` });
  }
  return { protocol, cipher, certificate, problems };
}

/** TLS versions below 1.2 (RFC 8996 deprecates 1.0 and 1.1; current sender TLS stacks refuse them). */
export function isOldTls(protocol: string): boolean {
  return protocol === "TLSv1" || protocol === "TLSv1.1" || protocol === "SSLv3";
}
