/**
 * A certificate authority made in the test, for the TLS servers the MTA-STS tests start (the policy host over
 * HTTPS, the MX hosts over SMTP STARTTLS). node:crypto makes the keys; node-forge signs the X.509 certificates
 * (Node has no API to issue certificates). One leaf key is shared by every certificate of a CA: a test needs
 * certificates that differ in names and dates, not in keys, and RSA key generation is the slow part.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import * as forge from "node-forge";

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

export interface CertificateOptions {
  /** subjectAltName dNSName entries (wildcards as "*.example.com"). */
  names: string[];
  /** subjectAltName iPAddress entries, for servers reached by address (127.0.0.1). */
  ips?: string[];
  /** Subject common name; default the first name. */
  commonName?: string;
  notBefore?: Date;
  notAfter?: Date;
  /** Leave out the subjectAltName extension (a certificate that names its host only in the CN). */
  noSan?: boolean;
}

export interface TestCa {
  /** The CA certificate, to pass as --ca. */
  certPem: string;
  issue(opts: CertificateOptions): IssuedCertificate;
  /** A certificate signed by its own key, not by this CA. */
  selfSigned(opts: CertificateOptions): IssuedCertificate;
}

const DAY = 86_400_000;

function rsaKeyPair(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; pem: string } {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const key = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  return { privateKey: key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e), pem };
}

function serial(): string {
  // Positive, 16 octets: the first bit cleared.
  const b = randomBytes(16);
  b[0] &= 0x7f;
  return b.toString("hex");
}

export function createTestCa(name = "maildomain test CA"): TestCa {
  const caKey = rsaKeyPair();
  const caCert = forge.pki.createCertificate();
  caCert.publicKey = caKey.publicKey;
  caCert.serialNumber = serial();
  caCert.validity.notBefore = new Date(Date.now() - DAY);
  caCert.validity.notAfter = new Date(Date.now() + 3650 * DAY);
  const caSubject = [{ name: "commonName", value: name }];
  caCert.setSubject(caSubject);
  caCert.setIssuer(caSubject);
  caCert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  caCert.sign(caKey.privateKey, forge.md.sha256.create());
  const leafKey = rsaKeyPair();

  const make = (opts: CertificateOptions, signer: "ca" | "self"): IssuedCertificate => {
    const cert = forge.pki.createCertificate();
    cert.publicKey = leafKey.publicKey;
    cert.serialNumber = serial();
    cert.validity.notBefore = opts.notBefore ?? new Date(Date.now() - DAY);
    cert.validity.notAfter = opts.notAfter ?? new Date(Date.now() + 90 * DAY);
    const subject = [{ name: "commonName", value: opts.commonName ?? opts.names[0] }];
    cert.setSubject(subject);
    cert.setIssuer(signer === "ca" ? caSubject : subject);
    const extensions: object[] = [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
    ];
    if (!opts.noSan) extensions.push({ name: "subjectAltName", altNames: [...opts.names.map((value) => ({ type: 2, value })), ...(opts.ips ?? []).map((ip) => ({ type: 7, ip }))] });
    if (signer === "ca") extensions.push({ name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() });
    cert.setExtensions(extensions);
    cert.sign(signer === "ca" ? caKey.privateKey : leafKey.privateKey, forge.md.sha256.create());
    return { certPem: forge.pki.certificateToPem(cert), keyPem: leafKey.pem };
  };

  return {
    certPem: forge.pki.certificateToPem(caCert),
    issue: (opts) => make(opts, "ca"),
    selfSigned: (opts) => make(opts, "self"),
  };
}
