/**
 * How long `maildomain plan` lets a program run (`--time-limit SECONDS`, 0 for no limit). Two
 * minutes: a stack of a thousand domains plans in about a minute on a small CI machine, and a
 * program that loops forever fails the pipeline soon enough. Its own module, so that the command
 * line reads it without loading the planner.
 */
export const DEFAULT_TIME_LIMIT_SECONDS = 120;

/** The longest limit accepted: a day. */
export const MAX_TIME_LIMIT_SECONDS = 86400;
