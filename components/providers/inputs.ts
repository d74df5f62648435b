/**
 * Apply a function to an Input without creating Outputs for plain values. Most record values are
 * known when the program runs; wrapping each in an Output would cost the SDK promises, stack
 * traces and serialization work per record (measured by `npm run bench:plan`).
 */
import * as pulumi from "@pulumi/pulumi";

export function mapInput<T, U>(value: pulumi.Input<T>, fn: (v: T) => U): pulumi.Input<U> {
  return pulumi.Output.isInstance(value) || isPromise(value) ? pulumi.output(value).apply((v) => fn(v as T)) : fn(value as T);
}

function isPromise(v: unknown): v is Promise<unknown> {
  return typeof (v as { then?: unknown } | null)?.then === "function";
}
