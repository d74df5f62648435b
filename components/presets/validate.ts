/** Argument checks shared by the presets; diagnostics use the `preset.` namespace. */
import { Diagnostic, invalid } from "../records/diagnostics";
import { normalizeName } from "../records/names";

export function invalidArg(field: string, message: string): Diagnostic {
  return invalid("preset.invalid-argument", field, message, "provider documentation");
}

/** One DNS label (letters, digits, inner hyphens). */
export function checkLabel(value: string | undefined, field: string, what: string): Diagnostic[] {
  return /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(value ?? "") ? [] : [invalidArg(field, `"${value ?? ""}" is not valid here: give ${what}.`)];
}

export function checkHost(value: string, field: string): Diagnostic[] {
  return normalizeName(value, field, { hostname: !value.includes("_") }).diagnostics;
}

/** Verification tokens: the provider's documented form, and nothing that could break a TXT value. */
export function checkTokens(values: readonly string[], field: string, form: RegExp, example: string): Diagnostic[] {
  return values.flatMap((v, i) => (form.test(v) ? [] : [invalidArg(values.length > 1 ? `${field}[${i}]` : field, `"${v}" is not of the form ${example}: copy the value exactly as the provider's console shows it.`)]));
}

export function checkEnum(value: string, allowed: readonly string[], field: string): Diagnostic[] {
  return allowed.includes(value) ? [] : [invalidArg(field, `"${value}" is not one of ${allowed.join(", ")}.`)];
}
