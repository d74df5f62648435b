/**
 * DKIM keys generated with `@pulumi/tls`. The public half becomes the selector's TXT record once
 * it resolves (validated by the core like any other key: a key the provider returns that the
 * core refuses fails the run); the private half only ever leaves as a Pulumi secret.
 */
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { GeneratedKeySpec } from "../plan/model";
import { buildDkimRecord, renderDkim, renderSigningConfigs } from "../records/dkim";
import { standardViolations } from "../records/diagnostics";
import { DkimAlgorithm } from "../records/enums";
import { MailDomainArgsError } from "../errors";

export interface GeneratedKey {
  spec: GeneratedKeySpec;
  key: tls.PrivateKey;
  /** The selector's TXT value, known once the key exists. */
  record: pulumi.Output<string>;
  /** PEM of the private key (PKCS#1 for RSA, PKCS#8 for Ed25519), a secret. */
  privateKeyPem: pulumi.Output<string>;
}

const TLS_ARGS: Record<DkimAlgorithm, tls.PrivateKeyArgs> = {
  [DkimAlgorithm.Rsa2048]: { algorithm: "RSA", rsaBits: 2048 },
  [DkimAlgorithm.Rsa4096]: { algorithm: "RSA", rsaBits: 4096 },
  [DkimAlgorithm.Ed25519]: { algorithm: "ED25519" },
};

export function generateKey(componentName: string, spec: GeneratedKeySpec, parent: pulumi.Resource): GeneratedKey {
  const key = new tls.PrivateKey(`${componentName}-${spec.id}-key`, TLS_ARGS[spec.algorithm], {
    parent,
    additionalSecretOutputs: ["privateKeyPem", "privateKeyPemPkcs8", "privateKeyOpenssh"],
  });
  const record = key.publicKeyPem.apply((pem) => {
    const built = buildDkimRecord({ publicKey: pem, testing: spec.testing });
    const broken = standardViolations(built.diagnostics);
    if (broken.length) throw new MailDomainArgsError(componentName, broken.map((d) => ({ ...d, field: `dkim[${spec.selector}].generatedKey` })));
    return renderDkim(built.model);
  });
  const pem = spec.algorithm === DkimAlgorithm.Ed25519 ? key.privateKeyPemPkcs8 : key.privateKeyPem;
  return { spec, key, record, privateKeyPem: pulumi.secret(pem) };
}

export interface DkimSigningConfig {
  /** Where the configuration expects the private key file. */
  privateKeyPath: string;
  /** Exim `remote_smtp` transport options. */
  exim: string;
  /** Postfix with OpenDKIM: KeyTable, SigningTable, opendkim.conf and main.cf lines. */
  opendkim: string;
  /** rspamd `dkim_signing.conf`. */
  rspamd: string;
}

export function signingConfig(domain: string, spec: GeneratedKeySpec): DkimSigningConfig {
  const algorithm = spec.algorithm === DkimAlgorithm.Ed25519 ? "ed25519" : "rsa";
  const configs = renderSigningConfigs({ domain, selector: spec.selector, algorithm });
  return { privateKeyPath: configs.privateKeyPath, exim: configs.exim, opendkim: configs.opendkim, rspamd: configs.rspamd };
}
