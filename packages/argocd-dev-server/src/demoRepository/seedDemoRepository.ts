import { setYamlValue } from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { runGitCommand } from '../git/runGitCommand';
import { DevServerLogger } from '../options';

/** One commit of the demo history: YAML values set in files, as one author. */
interface HistoryCommit {
  daysAgo: number;
  /** Time of day, HH:MM, UTC. */
  time: string;
  /** `Name <email>` */
  author: string;
  message: string;
  set?: Array<{ file: string; key: string; value: string }>;
}

interface History {
  initial: HistoryCommit;
  commits: HistoryCommit[];
}

export interface SeedDemoRepositoryOptions {
  /** Directory with the repository's initial files. */
  from: string;
  /** YAML file with the history to replay. */
  history: string;
  /** Where the bare repository is created. */
  target: string;
  /** The dates of the history are relative to this moment. */
  now?: Date;
  logger: DevServerLogger;
}

const COMMITTER = 'GitOps Promotion demo <gitops-promotion@example.com>';
const BRANCH = 'main';

/**
 * Creates the demo GitOps repository (the one `yarn start` promotes in and
 * this stand-in reconciles from) as a bare repository at `target`, unless
 * one is already there (restarts keep the data). The initial files are
 * committed first, then every history entry becomes a commit with its own
 * author and date, each version set through the same YAML editing the plugin
 * uses for promotions.
 *
 * @returns whether a repository was created
 */
export async function seedDemoRepository(
  options: SeedDemoRepositoryOptions,
): Promise<boolean> {
  const { from, target, logger } = options;
  if (await exists(target)) {
    logger.info(`Keeping the existing demo GitOps repository at ${target}`);
    return false;
  }
  const history = parseYaml(
    await fs.readFile(options.history, 'utf8'),
  ) as History;
  const now = options.now ?? new Date();
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-seed-'));
  try {
    await runGitCommand(work, [
      'init',
      '--quiet',
      `--initial-branch=${BRANCH}`,
    ]);
    await fs.cp(from, work, { recursive: true });
    await commit(work, history.initial, now);
    for (const entry of history.commits) {
      for (const { file, key, value } of entry.set ?? []) {
        const filePath = path.join(work, file);
        const text = await fs.readFile(filePath, 'utf8');
        await fs.writeFile(filePath, setYamlValue(text, key, value));
      }
      await commit(work, entry, now);
    }
    await fs.mkdir(path.dirname(target), { recursive: true });
    // Clone into a sibling first so an interrupted seed never leaves a half-made repository.
    const staging = `${target}.partial-${process.pid}`;
    await runGitCommand(path.dirname(target), [
      'clone',
      '--quiet',
      '--bare',
      work,
      staging,
    ]);
    await fs.rename(staging, target);
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
  logger.info(
    `Created the demo GitOps repository at ${target} with ${
      history.commits.length + 1
    } commits`,
  );
  return true;
}

async function commit(cwd: string, entry: HistoryCommit, now: Date) {
  const [hours, minutes] = entry.time.split(':').map(Number);
  const date = new Date(now.getTime() - entry.daysAgo * 24 * 3600 * 1000);
  date.setUTCHours(hours, minutes, 0, 0);
  const iso = date.toISOString();
  const author = parseIdent(entry.author);
  const committer = parseIdent(COMMITTER);
  await runGitCommand(cwd, ['add', '--all']);
  await runGitCommand(
    cwd,
    ['commit', '--quiet', '--no-verify', '-m', entry.message],
    undefined,
    {
      GIT_AUTHOR_NAME: author.name,
      GIT_AUTHOR_EMAIL: author.email,
      GIT_AUTHOR_DATE: iso,
      GIT_COMMITTER_NAME: committer.name,
      GIT_COMMITTER_EMAIL: committer.email,
      GIT_COMMITTER_DATE: iso,
    },
  );
}

function parseIdent(ident: string): { name: string; email: string } {
  const match = /^(.+?)\s*<([^>]+)>$/.exec(ident);
  if (!match) {
    throw new Error(
      `Expected 'Name <email>' in the demo history, got '${ident}'`,
    );
  }
  return { name: match[1], email: match[2] };
}

async function exists(p: string) {
  return fs.stat(p).then(
    () => true,
    () => false,
  );
}
