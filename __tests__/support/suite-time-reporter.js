/**
 * Jest reporter: after the summary, one line per suite (slowest first) with its tests and
 * seconds, and the run's wall time, so that where `npm test` spends its time is in every run.
 */
const { relative } = require("node:path");

class SuiteTimeReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    this.started = Date.now();
  }

  onRunComplete(_contexts, results) {
    const rows = results.testResults.map((suite) => ({
      name: relative(this.rootDir, suite.testFilePath),
      tests: suite.numPassingTests + suite.numFailingTests + suite.numPendingTests + suite.numTodoTests,
      seconds: (suite.perfStats.end - suite.perfStats.start) / 1000,
    })).sort((a, b) => b.seconds - a.seconds);
    if (rows.length === 0) return;
    const width = Math.max(...rows.map((row) => row.name.length));
    const lines = rows.map((row) => `  ${row.name.padEnd(width)}  ${String(row.tests).padStart(4)}  ${row.seconds.toFixed(1).padStart(6)} s`);
    const total = results.numTotalTests;
    const wall = ((Date.now() - this.started) / 1000).toFixed(1);
    process.stderr.write(`\nSuite times (slowest first):\n  ${"suite".padEnd(width)}  tests  seconds\n${lines.join("\n")}\n  ${"all".padEnd(width)}  ${String(total).padStart(4)}  ${wall.padStart(6)} s wall\n`);
  }
}

module.exports = SuiteTimeReporter;
