/** Names of the hosting resources that the cloud sees (pure). */
import { createHash } from "node:crypto";

/** Cloudflare Worker names: lower-case letters, digits, "-" and "_", at most 63 (they also name a workers.dev host). */
export const WORKER_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** `mta-sts-example-com`; a long domain is cut and keeps a hash of the whole name, so two domains never share a Worker. */
export function defaultWorkerName(domain: string): string {
  const name = `mta-sts-${domain.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`.replace(/-+$/, "");
  if (name.length <= 63) return name;
  const hash = createHash("sha256").update(domain).digest("hex").slice(0, 8);
  return `${name.slice(0, 54).replace(/-+$/, "")}-${hash}`;
}
