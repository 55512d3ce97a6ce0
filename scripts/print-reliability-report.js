#!/usr/bin/env node
/* Prints the figures of the reliability and security suite
 * (plugins/gitops-promotion-backend/src/tests/reliability): one JSON file per test
 * file in RELIABILITY_RESULTS_DIR, or <results>/reliability with <results> the
 * first argument (default .test-results). Never fails the run: it reports.
 * `--clean` removes the figures instead. */
const fs = require('node:fs');
const path = require('node:path');

const clean = process.argv[2] === '--clean';
const results = clean ? undefined : process.argv[2];
const dir =
  process.env.RELIABILITY_RESULTS_DIR ??
  path.join(results ?? '.test-results', 'reliability');

// `--clean` forgets the figures of earlier runs before a new one.
if (clean) {
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

const files = fs.existsSync(dir)
  ? fs
      .readdirSync(dir)
      .filter(f => f.endsWith('.json'))
      .sort()
  : [];
if (!files.length) {
  console.log(`reliability: no figures in ${dir} (did the suite run?)`);
  process.exit(0);
}

/** Columns: a header and the figures it shows, `a/b` when two. */
const COLUMNS = [
  ['promotions tried', ['promotionsAttempted']],
  ['accepted', ['promotionsAccepted']],
  ['rejected', ['promotionsRejected']],
  ['lost', ['promotionsLost']],
  ['dup', ['promotionsDuplicated']],
  ['faults inj/surv', ['faultsInjected', 'faultsSurvived']],
  ['bad inputs tried/4xx', ['badInputsTried', 'badInputsRejected']],
  ['auth checked/ok', ['requestsChecked', 'requestsAsExpected']],
  ['texts scanned/leaks', ['textsScanned', 'secretsLeaked']],
];

const suites = files.map(f =>
  JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')),
);
const totals = {};
const rows = [];
for (const suite of suites) {
  rows.push([`${suite.suite} (${Math.round(suite.durationMs / 1000)} s)`]);
  for (const scenario of suite.scenarios) {
    const cells = [`  ${scenario.name}`];
    for (const [, keys] of COLUMNS) {
      const values = keys.map(k => scenario[k]);
      for (const [i, k] of keys.entries()) {
        if (values[i] !== undefined) totals[k] = (totals[k] ?? 0) + values[i];
      }
      cells.push(
        values.every(v => v === undefined)
          ? ''
          : values.map(v => v ?? '-').join('/'),
      );
    }
    rows.push(cells);
    for (const detail of scenario.details ?? []) rows.push([`    ${detail}`]);
  }
}
const totalRow = ['total'];
for (const [, keys] of COLUMNS) {
  const values = keys.map(k => totals[k]);
  totalRow.push(
    values.every(v => v === undefined) ? '' : values.map(v => v ?? 0).join('/'),
  );
}

const header = ['scenario', ...COLUMNS.map(([name]) => name)];
// Titles and details (one cell) are printed as they are.
const tabular = [...rows.filter(r => r.length > 1), totalRow];
const widths = header.map((h, i) =>
  Math.max(h.length, ...tabular.map(r => (r[i] ?? '').length)),
);
const line = cells =>
  cells.length === 1
    ? cells[0]
    : cells
        .map((c, i) =>
          i === 0 ? (c ?? '').padEnd(widths[i]) : (c ?? '').padStart(widths[i]),
        )
        .join('  ')
        .trimEnd();
const mode = [...new Set(suites.map(s => s.mode))].join(', ');

console.log(`::: reliability and security figures (${mode} mode)`);
console.log(line(header));
console.log(widths.map(w => '-'.repeat(w)).join('  '));
rows.forEach(r => console.log(line(r)));
console.log(widths.map(w => '-'.repeat(w)).join('  '));
console.log(line(totalRow));

const broken = [
  totals.promotionsLost && `${totals.promotionsLost} promotion(s) lost`,
  totals.promotionsDuplicated &&
    `${totals.promotionsDuplicated} promotion(s) duplicated`,
  totals.faultsInjected !== totals.faultsSurvived &&
    `${
      (totals.faultsInjected ?? 0) - (totals.faultsSurvived ?? 0)
    } fault(s) not survived`,
  totals.badInputsTried !== totals.badInputsRejected &&
    `${
      (totals.badInputsTried ?? 0) - (totals.badInputsRejected ?? 0)
    } bad input(s) not refused cleanly`,
  totals.requestsChecked !== totals.requestsAsExpected &&
    `${
      (totals.requestsChecked ?? 0) - (totals.requestsAsExpected ?? 0)
    } auth check(s) failed`,
  totals.secretsLeaked && `${totals.secretsLeaked} secret leak(s)`,
].filter(Boolean);
console.log(
  broken.length
    ? `reliability: ${broken.join(', ')}`
    : 'reliability: no guarantee broken in the recorded figures (failed tests are listed with the unit tests)',
);
