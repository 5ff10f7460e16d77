// A Playwright reporter that repeats each failure's error, without its
// stack and attachments, as the run's last lines: a CI log that keeps
// only its tail still says what went wrong, not just which test.
import type { FullResult, Reporter, TestCase, TestResult } from "@playwright/test/reporter";

/// Lines of each error kept: the message and the expectation's diff.
const MAX_LINES = 12;

// Playwright colours its messages; a log file wants plain text.
const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, "");

export default class FailureSummary implements Reporter {
  private failures: string[] = [];

  onTestEnd(test: TestCase, result: TestResult) {
    if (result.status === "passed" || result.status === "skipped") return;
    const where = `${test.location.file.split("/").slice(-2).join("/")}:${test.location.line}`;
    const title = test.titlePath().filter(Boolean).join(" › ");
    const errors = result.errors.map((error) => {
      const lines = plain(error.message ?? error.value ?? "").split("\n");
      const at = error.location
        ? `    at ${error.location.file.split("/").slice(-2).join("/")}:${error.location.line}`
        : "";
      return [...lines.slice(0, MAX_LINES).map((line) => `    ${line}`), at].filter(Boolean).join("\n");
    });
    this.failures.push(`${title} (${where}, ${result.status})\n${errors.join("\n")}`);
  }

  onEnd(_result: FullResult) {
    if (this.failures.length === 0) return;
    console.log(`\nFailed (${this.failures.length}), each error's first lines:`);
    for (const failure of this.failures) console.log(`  ${failure}`);
  }

  printsToStdio() {
    // Beside "list", which owns the terminal: this only adds lines at the end.
    return false;
  }
}
