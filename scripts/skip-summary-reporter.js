// Jest reporter (added by scripts/test.js after the default one): after the summary, one line per
// test file with skipped tests, saying why. The reason is the line the file printed containing
// "skipped" (e.g. tests/e2e: `console.info("… skipped: the Pulumi CLI is not installed …")`).
"use strict";
const path = require("path");

/** The first console line of a test file that mentions "skipped", if jest buffered its console. */
function reasonOf(result) {
  for (const entry of result.console ?? []) {
    const line = String(entry.message ?? "").split("\n")[0];
    const m = /\bskipped\b:?\s*(.*)$/i.exec(line);
    if (m) return m[1] || line;
  }
  return "no reason printed (describe.skip / test.skip without a console line)";
}

class SkipSummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    this.lines = [];
  }

  // Per file, while jest still holds its console (it drops it before onRunComplete).
  onTestResult(_test, result) {
    const skipped = result.numPendingTests + (result.numTodoTests ?? 0);
    if (skipped === 0) return;
    const total = skipped + result.numPassingTests + result.numFailingTests;
    const file = path.relative(this.rootDir, result.testFilePath);
    const what = result.skipped ? `all ${total} tests` : `${skipped} of ${total} tests`;
    this.lines.push(`skipped: ${file} (${what}): ${reasonOf(result)}`);
  }

  // Jest's summary reporter always runs last; print after it, as the process ends (stderr is
  // synchronous for files, pipes and terminals on Linux and macOS).
  onRunComplete() {
    if (this.lines.length === 0) return;
    const lines = this.lines.sort();
    process.once("exit", () => process.stderr.write(`${lines.join("\n")}\n`));
  }
}

module.exports = SkipSummaryReporter;
module.exports.reasonOf = reasonOf;
