#!/usr/bin/env node
/* Prints one line per failure and the closing `N passed, N failed` line from the
 * results of scripts/test.sh: <check>.status files, Jest's and Playwright's JSON. */
const fs = require('node:fs');
const path = require('node:path');

const dir = process.argv[2];
const readJson = file => {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  } catch {
    return undefined;
  }
};

let passed = 0;
const failures = [];

for (const file of fs.readdirSync(dir).filter(f => f.endsWith('.status'))) {
  const name = file.replace(/\.status$/, '');
  if (fs.readFileSync(path.join(dir, file), 'utf8').trim() === 'pass') passed++;
  else failures.push(`${name} (see ${dir}/${name}.log)`);
}

const unit = readJson('unit.json');
if (!unit) {
  failures.push('unit tests: Jest wrote no results');
} else {
  passed += unit.numPassedTests;
  for (const suite of unit.testResults) {
    for (const t of suite.assertionResults.filter(a => a.status === 'failed')) {
      failures.push(
        `${path.relative(process.cwd(), suite.name)}: ${t.fullName}`,
      );
    }
    if (suite.status === 'failed' && suite.assertionResults.length === 0) {
      failures.push(
        `${path.relative(process.cwd(), suite.name)}: ${
          suite.message.split('\n')[0] || 'failed to run'
        }`,
      );
    }
  }
}

const e2e = readJson('e2e.json');
if (!e2e) {
  failures.push('end-to-end tests: Playwright wrote no results');
} else {
  const visit = suite => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests) {
        if (t.status === 'expected' || t.status === 'flaky') passed++;
        else failures.push(`e2e ${spec.file}: ${spec.title} (${t.status})`);
      }
    }
    (suite.suites ?? []).forEach(visit);
  };
  e2e.suites.forEach(visit);
  for (const error of e2e.errors ?? []) {
    failures.push(`e2e: ${String(error.message).split('\n')[0]}`);
  }
}

for (const failure of failures) console.log(`FAILED ${failure}`);
console.log(`${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
