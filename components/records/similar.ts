/**
 * "Did you mean": the known name closest to a misspelled one (SPF mechanisms, DMARC tags, argument
 * keys). Written by hand: a dozen lines of edit distance over names of a few characters; a library
 * would be a dependency for less.
 */

/**
 * Edit distance with adjacent transpositions (optimal string alignment): `inlcude` is one edit
 * from `include`, as a person counts it.
 */
export function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cur[j] = Math.min(cur[j], before[j - 2] + 1);
    }
    before = prev;
    prev = cur;
  }
  return prev[b.length];
}

export interface ClosestOptions {
  /** The largest distance still taken as a typo, given the misspelled name and a candidate. */
  limit(name: string, candidate: string): number;
  /** Compare in lower case (argument keys: `zonename` → `zoneName`). */
  ignoreCase?: boolean;
}

/**
 * The candidate closest to `name` within its limit; ties go to the candidate of the closest
 * length (`adkm` → adkim, not aspf), then to the first. Undefined when none is close enough.
 */
export function closestName(name: string, candidates: readonly string[], options: ClosestOptions): string | undefined {
  const fold = (s: string) => (options.ignoreCase ? s.toLowerCase() : s);
  const wanted = fold(name);
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const d = editDistance(wanted, fold(c));
    if (d > options.limit(name, c)) continue;
    const score = d * 1000 + Math.abs(c.length - name.length);
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}
