/**
 * Zone lookups, at most once per distinct zone per program run.
 *
 * Every provider call counts against an API rate limit (Cloudflare: 1,200 requests per 5 minutes),
 * so a stack with hundreds of domains in a handful of zones must not look the zone up per record
 * or per domain. The cache is keyed by the engine connection (a new one per program run, and per
 * `setMocks` in tests), the explicit provider resource if any, and the zone name.
 */
import * as pulumi from "@pulumi/pulumi";

type Cache = Map<string, pulumi.Output<string>>;

const byRun = new WeakMap<object, WeakMap<object, Cache>>();
const DEFAULT_PROVIDER = {};
const NO_MONITOR = {};

/** Return the cached lookup for this run, provider and zone, or start it with `lookup`. */
export function lookupZoneOnce(
  kind: string,
  zoneName: string,
  provider: pulumi.ProviderResource | undefined,
  lookup: () => pulumi.Output<string>,
): pulumi.Output<string> {
  const run = (pulumi.runtime.getMonitor() as object | undefined) ?? NO_MONITOR;
  let perProvider = byRun.get(run);
  if (!perProvider) byRun.set(run, (perProvider = new WeakMap()));
  const providerKey = provider ?? DEFAULT_PROVIDER;
  let cache = perProvider.get(providerKey);
  if (!cache) perProvider.set(providerKey, (cache = new Map()));
  const key = `${kind}:${zoneName}`;
  let id = cache.get(key);
  if (!id) cache.set(key, (id = lookup()));
  return id;
}
