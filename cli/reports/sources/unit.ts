/** One unit of input: a file, or a message of an mbox, a Maildir or an IMAP mailbox. */
import type { ReportFinding } from "../../../reports/findings";

export interface InputUnit {
  /** Names the unit in findings: a path, `path › message 3`, `imaps://user@host/INBOX › UID 42`. */
  source: string;
  /** The content; absent when the unit could not be read (then `findings` say why). */
  bytes?: Buffer;
  findings?: ReportFinding[];
  /** Inputs of the unit that could not be read at all. */
  rejected?: number;
  /**
   * Called once every report of the unit is committed to the store, and only when none of its content was
   * rejected (IMAP: the message is moved to the archive folder). A unit is never archived before its reports
   * are durable, so a run killed at any point loses nothing.
   */
  archive?: () => Promise<void>;
}
