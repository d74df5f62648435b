/** The one error a `MailDomain` throws for bad arguments: every problem, with its field and fix. */
import { Diagnostic } from "./records/diagnostics";

/** Problems listed in the message; all of them stay in `diagnostics`. */
const MESSAGE_LINES = 100;

export class MailDomainArgsError extends Error {
  constructor(
    readonly componentName: string,
    readonly diagnostics: readonly Diagnostic[],
    /** What holds the arguments, when it is not one component: `The stack config maildomain:domains`. */
    subject = `MailDomain "${componentName}"`,
  ) {
    const shown = diagnostics.slice(0, MESSAGE_LINES).map((d) => `  - ${d.field || "(args)"}: ${d.message} [${d.code}, ${d.rfc}]`);
    if (diagnostics.length > MESSAGE_LINES) shown.push(`  … and ${diagnostics.length - MESSAGE_LINES} more (the error's diagnostics list them all).`);
    super(`${subject} has ${diagnostics.length} invalid argument${diagnostics.length === 1 ? "" : "s"}; no DNS record was created:\n${shown.join("\n")}`);
    this.name = "MailDomainArgsError";
  }
}

/** Names of the errors caused by user input or set-up (by name: a second copy of this module may have thrown it). */
const USER_INPUT_ERRORS = new Set(["MailDomainArgsError", "MissingProviderPackageError"]);

/** True for errors caused by user input or set-up (a missing provider SDK), which tools print without a stack trace. */
export function isUserInputError(e: unknown): e is Error {
  return e instanceof Error && USER_INPUT_ERRORS.has(e.name);
}
