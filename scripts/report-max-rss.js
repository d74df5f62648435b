// Preloaded by the benchmarks (`node --require scripts/report-max-rss.js …`): on exit, print the
// process's peak resident set size to stderr as `maildomain-bench max-rss <KiB>`.
"use strict";
process.on("exit", () => process.stderr.write(`maildomain-bench max-rss ${process.resourceUsage().maxRSS}\n`));
