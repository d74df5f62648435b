/**
 * Numbers as every report output writes them (the table, the advice's sentences, the HTML report): counts with
 * grouped thousands (1,240) and shares of a whole. Pure.
 */

/** `n` with grouped thousands: 1,240. */
export const formatCount = (n: number): string => n.toLocaleString("en-US");

/** `part` of `whole` as a percentage with one decimal (tables: "61.1 %"), "–" when the whole is nothing. */
export const formatPercent = (part: number, whole: number): string => (whole === 0 ? "–" : `${((100 * part) / whole).toFixed(1)} %`);

/** The same rounded to a whole percent, for sentences ("0 % aligned"). */
export const formatWholePercent = (part: number, whole: number): string => (whole === 0 ? "–" : `${Math.round((100 * part) / whole)} %`);
