/**
 * Ready-to-paste DKIM signing configuration for the mail servers self-hosting administrators run:
 * Exim (smtp transport options, Exim specification chapter "DKIM, SPF, SRS and DMARC"), Postfix
 * with the OpenDKIM milter (opendkim.conf(5), KeyTable/SigningTable), and rspamd (dkim_signing
 * module). Pure strings pointing at a private key file; no key material is ever inside them.
 */
import { normalizeName, validateSelector } from "../names";

export interface SigningConfigOptions {
  domain: string;
  selector: string;
  algorithm: "rsa" | "ed25519";
  /** Where the private key file lives; default `/etc/dkim/<domain>.<selector>.key`. */
  privateKeyPath?: string;
}

export interface SigningConfigs {
  /** The private key file the configurations point at. */
  privateKeyPath: string;
  exim: string;
  opendkim: string;
  rspamd: string;
}

// Absolute path without spaces, quotes, "$" (Exim expansion) or ":" (OpenDKIM KeyTable separator).
const SAFE_PATH = /^\/[A-Za-z0-9._/+-]+$/;

/**
 * Render the three configurations. Throws a TypeError on a domain, selector or path that would
 * corrupt a configuration file: the component validates these arguments before it gets here, so
 * reaching the throw is a programming error, not user input.
 */
export function renderSigningConfigs(opts: SigningConfigOptions): SigningConfigs {
  const d = normalizeName(opts.domain, "domain", { hostname: true });
  const problems = [...d.diagnostics, ...validateSelector(opts.selector ?? "", "selector")].map((x) => x.message);
  const domain = d.name;
  const selector = (opts.selector ?? "").toLowerCase();
  const path = opts.privateKeyPath ?? `/etc/dkim/${domain}.${selector}.key`;
  if (!SAFE_PATH.test(path)) problems.push(`privateKeyPath "${path}" must be an absolute path of letters, digits and . _ / + - only.`);
  if (opts.algorithm !== "rsa" && opts.algorithm !== "ed25519") problems.push(`algorithm must be "rsa" or "ed25519".`);
  if (problems.length) throw new TypeError(`renderSigningConfigs: ${problems.join(" ")}`);
  const ed = opts.algorithm === "ed25519";
  return { privateKeyPath: path, exim: exim(domain, selector, path, ed), opendkim: opendkim(domain, selector, path, ed), rspamd: rspamd(domain, selector, path, ed) };
}

function exim(domain: string, selector: string, path: string, ed: boolean): string {
  const lines = [
    `# Exim: sign mail from ${domain} with DKIM selector "${selector}".`,
    `# Write the private key to ${path} with mode 0600, owned by the user Exim runs as`,
    `# (Debian-exim on Debian and Ubuntu, exim elsewhere), e.g. install -m 0600 -o Debian-exim key.pem ${path}`,
    `#`,
    `# In the transports section, the smtp transport that delivers to other hosts:`,
    `remote_smtp:`,
    `  driver = smtp`,
    `  dkim_domain = ${domain}`,
    `  dkim_selector = ${selector}`,
    `  dkim_private_key = ${path}`,
    `  dkim_canon = relaxed`,
    `  # dkim_sign_headers: leave unset, Exim's default header list is the recommended one.`,
    `#`,
    `# Debian's exim4 configuration already has these options behind macros: instead of editing the`,
    `# transport, put these lines in /etc/exim4/exim4.conf.localmacros, then run update-exim4.conf`,
    `# and restart exim4:`,
    `#   DKIM_DOMAIN = ${domain}`,
    `#   DKIM_SELECTOR = ${selector}`,
    `#   DKIM_PRIVATE_KEY = ${path}`,
    `#   DKIM_CANON = relaxed`,
  ];
  if (ed) {
    lines.push(
      `#`,
      `# Ed25519 (RFC 8463) signing needs Exim 4.92 or later (4.91 followed a pre-RFC draft) built with`,
      `# GnuTLS 3.6+ or OpenSSL 1.1.1+; the key file is the "BEGIN PRIVATE KEY" (PKCS#8) PEM. Many`,
      `# receivers verify only RSA signatures, so sign with an RSA key as well: dkim_selector takes a`,
      `# colon-separated list, and dkim_private_key is expanded once per selector, e.g.`,
      `#   dkim_selector = ${selector} : <rsa-selector>`,
      `#   dkim_private_key = /etc/dkim/\${dkim_domain}.\${dkim_selector}.key`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function opendkim(domain: string, selector: string, path: string, ed: boolean): string {
  const keyName = `${selector}._domainkey.${domain}`;
  const lines = [
    `# Postfix with OpenDKIM: sign mail from ${domain} with DKIM selector "${selector}".`,
    `# Write the private key to ${path} with mode 0600, owned by the opendkim user,`,
    `# e.g. install -m 0600 -o opendkim key.pem ${path}`,
    ``,
    `# /etc/opendkim/KeyTable  (key name, then domain:selector:private key file)`,
    `${keyName} ${domain}:${selector}:${path}`,
    ``,
    `# /etc/opendkim/SigningTable  (sender pattern, then key name; read with refile:)`,
    `*@${domain} ${keyName}`,
    ``,
    `# /etc/opendkim.conf  (add or change these lines)`,
    `KeyTable          /etc/opendkim/KeyTable`,
    `SigningTable      refile:/etc/opendkim/SigningTable`,
    `Canonicalization  relaxed/simple`,
    `Mode              sv`,
    `Socket            inet:8891@localhost`,
    ``,
    `# /etc/postfix/main.cf  (then: systemctl restart opendkim postfix)`,
    `milter_default_action = accept`,
    `milter_protocol = 6`,
    `smtpd_milters = inet:localhost:8891`,
    `non_smtpd_milters = $smtpd_milters`,
  ];
  if (ed) {
    lines.push(
      ``,
      `# Ed25519 (RFC 8463) signing needs OpenDKIM 2.11 built with OpenSSL 1.1.1+ (Debian and Ubuntu ship`,
      `# 2.11.0~beta2; the 2.10.3 release cannot sign with Ed25519). Many receivers verify only RSA`,
      `# signatures, so sign with an RSA key as well: add its KeyTable and SigningTable lines and set`,
      `#   MultipleSignatures yes`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function rspamd(domain: string, selector: string, path: string, ed: boolean): string {
  const lines = [
    `# rspamd: sign mail from ${domain} with DKIM selector "${selector}".`,
    `# Write the private key to ${path} with mode 0600, owned by the user rspamd runs as`,
    `# (_rspamd on Debian and Ubuntu), e.g. install -m 0600 -o _rspamd key.pem ${path}`,
    `# rspamd signs mail from authenticated users and local networks once it is the MTA's milter`,
    `# (Postfix: smtpd_milters = inet:localhost:11332). Check with rspamadm configtest, then reload rspamd.`,
    ``,
    `# /etc/rspamd/local.d/dkim_signing.conf`,
    `domain {`,
    `  ${domain} {`,
    `    path = "${path}";`,
    `    selector = "${selector}";`,
    `  }`,
    `}`,
  ];
  if (ed) {
    lines.push(
      ``,
      `# Ed25519: rspamd signs with ed25519-sha256 when the key is an Ed25519 key. Recent rspamd reads the`,
      `# "BEGIN PRIVATE KEY" (PKCS#8) PEM; older releases read only the base64 form that`,
      `# rspamadm dkim_keygen -t ed25519 writes, and log "cannot parse pem private key" otherwise.`,
      `# Many receivers verify only RSA signatures: to sign with an RSA key as well, replace path and`,
      `# selector with  selectors [ { path = "…"; selector = "…"; }, { path = "…"; selector = "…"; } ]`,
    );
  }
  return `${lines.join("\n")}\n`;
}
