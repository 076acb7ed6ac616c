import { writeFileSync } from 'node:fs';
import { defaultReporter, summaryReporter } from '@web/test-runner';

/** Prints as usual and writes { passed, failed, skipped } to `file` for scripts/test-all.mjs. */
export function countsReporter(file) {
  const base = [defaultReporter(), summaryReporter({ flatten: false })];
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const walk = (suite) => {
    if (!suite) return;
    for (const test of suite.tests ?? []) {
      if (test.skipped) counts.skipped += 1;
      else if (test.passed) counts.passed += 1;
      else counts.failed += 1;
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  return [
    ...base,
    {
      onTestRunFinished({ sessions }) {
        for (const session of sessions) {
          walk(session.testResults);
          // A file that failed to load or threw outside a test counts as one failure.
          if (!session.passed && (session.errors?.length ?? 0) > 0) counts.failed += 1;
        }
        if (file) writeFileSync(file, JSON.stringify(counts));
      },
    },
  ];
}
