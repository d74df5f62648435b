/** What a preset contributes to a mail domain, merged by the planner with the user's own records. */
import { DkimArgs, MxHostArgs } from "../plan/args";
import { Diagnostic } from "../records/diagnostics";

export interface PresetRecord {
  /** Stable id from the record's meaning, used in child names. */
  id: string;
  /** Absolute owner name. */
  name: string;
  type: "MX" | "TXT" | "CNAME";
  values: { id: string; content: string; priority?: number }[];
}

export interface PresetContribution {
  /** The args field of the preset, e.g. `googleWorkspace`, for messages. */
  field: string;
  /** Display name, e.g. `Google Workspace`. */
  provider: string;
  /** MX hosts: the provider receives mail for the domain. */
  mx?: MxHostArgs[];
  /** Domains to include in the domain's SPF record. */
  spfInclude?: string[];
  dkim?: DkimArgs[];
  /** TXT values on the domain's own name (verification tokens). */
  extraTxt?: string[];
  /** Records on other names (MAIL FROM subdomain, autodiscover). */
  records?: PresetRecord[];
  /** Problems with the preset's own arguments. */
  diagnostics: Diagnostic[];
  /** Advice to log (for example a DKIM key still to be copied from the provider's console). */
  notes?: string[];
}
