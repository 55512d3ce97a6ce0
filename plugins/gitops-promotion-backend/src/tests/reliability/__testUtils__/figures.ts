import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../../../../../..');

/** `RELIABILITY_HEAVY=1` runs every scenario with larger counts. */
export const HEAVY = /^(1|true|yes)$/i.test(
  process.env.RELIABILITY_HEAVY ?? '',
);

/** `count` in the default mode, `heavy` with RELIABILITY_HEAVY=1. */
export function scaled(count: number, heavy: number): number {
  return HEAVY ? heavy : count;
}

/** Where the figures go: RELIABILITY_RESULTS_DIR (relative to the repository root) or `.test-results/reliability`. */
export function resultsDirectory(): string {
  return path.resolve(
    root,
    process.env.RELIABILITY_RESULTS_DIR ?? '.test-results/reliability',
  );
}

/** What one scenario measured; every field is optional, absent ones print as blanks. */
export interface ScenarioFigures {
  promotionsAttempted?: number;
  promotionsAccepted?: number;
  promotionsRejected?: number;
  /** Accepted promotions whose commit or value is not in the final history. */
  promotionsLost?: number;
  /** Promotions whose change was committed more than once. */
  promotionsDuplicated?: number;
  faultsInjected?: number;
  /** Faults after which every guarantee of the scenario held. */
  faultsSurvived?: number;
  badInputsTried?: number;
  /** Answered 4xx with a clear message and nothing written. */
  badInputsRejected?: number;
  requestsChecked?: number;
  /** Answered with the expected status (401, 403, ...). */
  requestsAsExpected?: number;
  /** Responses, log lines and audit events scanned for secrets. */
  textsScanned?: number;
  secretsLeaked?: number;
  /** Lines printed under the scenario, e.g. a table of statuses. */
  details?: string[];
}

/** One test file's figures, written to `<resultsDirectory>/<suite>.json` after every record. */
export function createFigures(suite: string) {
  const started = Date.now();
  const scenarios: Array<{ name: string } & ScenarioFigures> = [];
  const write = () => {
    const dir = resultsDirectory();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, `${suite}.json`),
      `${JSON.stringify(
        {
          suite,
          mode: HEAVY ? 'heavy' : 'default',
          durationMs: Date.now() - started,
          scenarios,
        },
        null,
        2,
      )}\n`,
    );
  };
  return {
    /** Records (or replaces) the figures of a scenario and writes the file. */
    record(name: string, figures: ScenarioFigures) {
      const existing = scenarios.findIndex(s => s.name === name);
      if (existing >= 0) scenarios.splice(existing, 1);
      scenarios.push({ name, ...figures });
      write();
    },
  };
}
