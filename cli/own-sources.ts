/**
 * Worker threads that run one of maildomain's own modules (the plan's program runner, the report store's writer)
 * need that module compiled when maildomain runs from its TypeScript sources (a checkout under jest or ts-node,
 * not the built package): a thread starts without the parent's ts-node registration.
 */
import * as path from "node:path";

export interface OwnSources {
  tsNode: string;
  compiler: string;
  options: Record<string, unknown>;
}

/** ts-node for maildomain's own TypeScript sources, when `workerModule` is one; undefined for compiled JavaScript. */
export function ownSourcesLoader(workerModule: string): OwnSources | undefined {
  if (!workerModule.endsWith(".ts")) return undefined;
  const root = path.join(__dirname, "..");
  return { tsNode: require.resolve("ts-node"), compiler: require.resolve("typescript"), options: { transpileOnly: true, project: path.join(root, "tsconfig.json") } };
}
