import fs from 'node:fs/promises';
import path from 'node:path';
import { runGit } from '../../../git/runGit';

const BENCH_AUTHOR = { name: 'Bench', email: 'bench@example.com' };
const AUTHORS = [
  { name: 'Priya Raman', email: 'priya.raman@acme.test' },
  { name: 'Marcus Chen', email: 'marcus.chen@acme.test' },
  { name: 'Aiko Tanaka', email: 'aiko.tanaka@acme.test' },
  { name: 'Sofia Alvarez', email: 'sofia.alvarez@acme.test' },
  { name: 'CI', email: 'ci@acme.test' },
];
const DAY_MS = 24 * 3600_000;
const HOUR_MS = 3600_000;

/** The service names of a generated repository: `svc-000` … (`svc-0000` … from 1,001 services). */
export function benchServiceNames(count: number): string[] {
  const width = Math.max(3, String(count - 1).length);
  return Array.from(
    { length: count },
    (_, i) => `svc-${String(i).padStart(width, '0')}`,
  );
}

/** The values file of a service in an environment (`image.tag` is the version). */
export function benchValuesFile(
  service: string,
  env: string,
  tag: string,
): string {
  return `# ${service} in ${env}\nimage:\n  repository: ghcr.io/acme/${service}\n  tag: "${tag}"\n`;
}

/** The values file's path in the generated repository (layout `helm-env-dir`). */
export function benchValuesPath(service: string, env: string): string {
  return `envs/${env}/${service}/values.yaml`;
}

interface FastImportCommit {
  at: number;
  author: { name: string; email: string };
  message: string;
  files: Array<{ path: string; text: string }>;
}

/**
 * Creates a bare repository at `target` (branch `main`) from commits in
 * order, with one `git fast-import`: tens of thousands of commits take
 * seconds, where a `git commit` each would take minutes.
 */
async function fastImport(target: string, commits: FastImportCommit[]) {
  await fs.mkdir(target, { recursive: true });
  await runGit(['init', '--quiet', '--bare', '--initial-branch=main'], {
    cwd: target,
  });
  const parts: string[] = [];
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  commits.forEach((commit, i) => {
    const who = `${commit.author.name} <${commit.author.email}> ${Math.floor(
      commit.at / 1000,
    )} +0000`;
    parts.push(
      `commit refs/heads/main\nmark :${
        i + 1
      }\nauthor ${who}\ncommitter ${who}\n${data(commit.message)}${
        i > 0 ? `from :${i}\n` : ''
      }`,
    );
    for (const file of commit.files) {
      parts.push(`M 100644 inline ${file.path}\n${data(file.text)}`);
    }
    parts.push('\n');
  });
  parts.push('done\n');
  await runGit(['fast-import', '--quiet', '--done'], {
    cwd: target,
    input: parts.join(''),
  });
}

/**
 * Writes a bare GitOps repository at `dir/gitops.git` with one Helm values
 * file per service and environment (`envs/{env}/{service}/values.yaml`,
 * `image.tag`), committed once on `main`.
 */
export async function generateBenchRepository(
  dir: string,
  services: string[],
  environments: string[],
): Promise<string> {
  const target = path.join(dir, 'gitops.git');
  const files = environments.flatMap((env, envIndex) =>
    services.map((service, index) => ({
      path: benchValuesPath(service, env),
      text: benchValuesFile(service, env, `1.${index % 40}.${envIndex}`),
    })),
  );
  await fastImport(target, [
    {
      at: Date.now(),
      author: BENCH_AUTHOR,
      message: 'Generate bench services',
      files,
    },
  ]);
  return target;
}

/** An environment of a generated pipeline and the one it is promoted from. */
export interface BenchEnvironment {
  name: string;
  upstream?: string;
}

/** What {@link generateBenchRepositoryWithHistory} generated. */
export interface BenchRepositoryStats {
  /** The bare repository. */
  path: string;
  commits: number;
  cells: number;
  /** Cells with an upstream whose version differs from the upstream's. */
  behindCells: number;
  /** How many cells are behind by 1, 2, 3 … versions. */
  behindBy: Record<number, number>;
  /** The version each cell ends at: `service\0env` → tag. */
  versions: Map<string, string>;
}

/** A small deterministic PRNG (mulberry32), so every run generates the same repository. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    between: (min: number, max: number) => min + next() * (max - min),
    int: (min: number, max: number) =>
      min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: T[]) => items[Math.floor(next() * items.length)],
  };
}

/**
 * A GitOps repository with history, like one a team has used for a while:
 * every service starts at a version in all environments (an import
 * `days` ago), then gets 1–4 releases into its first environment spread over
 * those days, each promoted down the pipeline hours to a day per step; a
 * share of the cells (about `behindShare` of all cells) stops 1–3 versions
 * behind its upstream. One commit per release or promotion, with the
 * author and committer dates of when it happened, so the file history the
 * plugin reads for lag looks like a real one.
 */
export async function generateBenchRepositoryWithHistory(
  dir: string,
  services: string[],
  pipeline: BenchEnvironment[],
  options: {
    days?: number;
    /** Share of all cells left behind their upstream (default 0.2). */
    behindShare?: number;
    seed?: number;
    now?: number;
  } = {},
): Promise<BenchRepositoryStats> {
  const days = options.days ?? 60;
  const now = options.now ?? Date.now();
  const rng = random(options.seed ?? 7);
  const withUpstream = pipeline.filter(e => e.upstream).length;
  // Only cells with an upstream can be behind, and not all that are picked
  // can be (their upstream may still be at the first version).
  const behindChance = Math.min(
    1,
    ((options.behindShare ?? 0.2) * pipeline.length) / withUpstream / 0.9,
  );
  const depth = new Map<string, number>();
  for (const env of pipeline) {
    depth.set(env.name, env.upstream ? depth.get(env.upstream)! + 1 : 0);
  }

  const start = now - days * DAY_MS;
  const tag = (serviceIndex: number, release: number) =>
    `${1 + (serviceIndex % 3)}.${serviceIndex % 40}.${release}`;
  const initial: FastImportCommit = {
    at: start,
    author: AUTHORS[0],
    message: 'Import Acme GitOps repository',
    files: [],
  };
  const events: FastImportCommit[] = [];
  const versions = new Map<string, string>();
  const behindBy: Record<number, number> = {};
  let behindCells = 0;

  services.forEach((service, s) => {
    const releases = rng.int(1, 4);
    // Releases between `days` ago and four days ago: promotions (at most a
    // day per step) all land before now.
    const releasedAt = Array.from({ length: releases }, () =>
      rng.between(start + DAY_MS, now - 4 * DAY_MS),
    ).sort((a, b) => a - b);
    const reached = new Map<string, number>();
    const arrivedAt = new Map<string, number[]>();
    for (const env of pipeline) {
      let release = releases;
      if (env.upstream) {
        const upstream = reached.get(env.upstream)!;
        release = upstream;
        if (upstream > 0 && rng.next() < behindChance) {
          release = upstream - Math.min(upstream, rng.int(1, 3));
        }
        if (release < upstream) {
          behindCells++;
          behindBy[upstream - release] =
            (behindBy[upstream - release] ?? 0) + 1;
        }
      }
      reached.set(env.name, release);
      versions.set(`${service}\0${env.name}`, tag(s, release));
      initial.files.push({
        path: benchValuesPath(service, env.name),
        text: benchValuesFile(service, env.name, tag(s, 0)),
      });
      const times: number[] = [];
      for (let r = 1; r <= release; r++) {
        const after = env.upstream
          ? arrivedAt.get(env.upstream)![r - 1]
          : releasedAt[r - 1];
        // Later than the previous version here, so the file ends at `release`.
        const at = Math.max(
          after + (env.upstream ? rng.between(HOUR_MS, DAY_MS) : 0),
          (times[r - 2] ?? 0) + 60_000,
        );
        times.push(at);
        events.push({
          at,
          author: env.upstream ? rng.pick(AUTHORS.slice(0, 4)) : AUTHORS[4],
          message: env.upstream
            ? `Promote ${service} ${tag(s, r)} to ${env.name}`
            : `Release ${service} ${tag(s, r)} to ${env.name}`,
          files: [
            {
              path: benchValuesPath(service, env.name),
              text: benchValuesFile(service, env.name, tag(s, r)),
            },
          ],
        });
      }
      arrivedAt.set(env.name, times);
    }
  });
  events.sort((a, b) => a.at - b.at);
  const target = path.join(dir, 'gitops.git');
  await fastImport(target, [initial, ...events]);
  return {
    path: target,
    commits: events.length + 1,
    cells: services.length * pipeline.length,
    behindCells,
    behindBy,
    versions,
  };
}
