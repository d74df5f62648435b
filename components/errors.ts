/** The one error a `MailDomain` throws for bad arguments: every problem, with its field and fix. */
import { Diagnostic } from "./records/diagnostics";

export class MailDomainArgsError extends Error {
  constructor(
    readonly componentName: string,
    readonly diagnostics: readonly Diagnostic[],
  ) {
    super(
      `MailDomain "${componentName}" has ${diagnostics.length} invalid argument${diagnostics.length === 1 ? "" : "s"}; no DNS record was created:\n` +
        diagnostics.map((d) => `  - ${d.field || "(args)"}: ${d.message} [${d.code}, ${d.rfc}]`).join("\n"),
    );
    this.name = "MailDomainArgsError";
  }
}

/** True for errors caused by user input, which tools print without a stack trace. */
export function isUserInputError(e: unknown): e is MailDomainArgsError {
  return e instanceof Error && e.name === "MailDomainArgsError";
}
