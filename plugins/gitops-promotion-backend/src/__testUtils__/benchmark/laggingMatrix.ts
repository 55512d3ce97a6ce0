import {
  BenchEnvironment,
  benchValuesFile,
  benchValuesPath,
} from '../../clients/argocd/__testUtils__/benchmark/generateBenchRepository';

/** A commit of a {@link laggingMatrix}: path → text. */
export interface LaggingMatrixCommit {
  message: string;
  files: Record<string, string>;
}

/** What {@link laggingMatrix} generated. */
export interface LaggingMatrix {
  /** Oldest first. */
  commits: LaggingMatrixCommit[];
  /** Cells whose version differs from their upstream's. */
  behindCells: number;
  /** The upstream files whose histories tell those cells' lag. */
  upstreamFiles: number;
}

/**
 * A GitOps repository (layout `helm-env-dir`) for measuring what reading a
 * whole matrix with its lag costs: every service imported at version 0 in
 * every environment, then release trains: train `r` takes every service with
 * at least `r` releases (1 to `trains`) through the pipeline, one commit per
 * environment. Each cell with an upstream stops 1 or 2 versions behind it with
 * the chance `behindShare` (default 0.3: for 2,000 services in 5 environments,
 * about a fifth of the cells, behind about 1,800 upstream files). Deterministic. Few commits touching many files each, so
 * the GitHub fake builds it in seconds, yet each file's history is as deep as
 * its releases.
 */
export function laggingMatrix(
  services: string[],
  pipeline: BenchEnvironment[],
  options: { trains?: number; behindShare?: number } = {},
): LaggingMatrix {
  const trains = options.trains ?? 4;
  const behindShare = options.behindShare ?? 0.3;
  const tag = (s: number, release: number) => `1.${s % 40}.${release}`;
  const reached = new Map<string, number>();
  const upstreamFiles = new Set<string>();
  let behindCells = 0;
  services.forEach((service, s) => {
    pipeline.forEach((env, e) => {
      let release = 1 + (s % trains);
      if (env.upstream) {
        release = reached.get(`${service}\0${env.upstream}`)!;
        if (release > 0 && fraction(s, e) < behindShare) {
          release -= Math.min(release, 1 + (s % 2));
          behindCells++;
          upstreamFiles.add(benchValuesPath(service, env.upstream));
        }
      }
      reached.set(`${service}\0${env.name}`, release);
    });
  });

  const filesAt = (env: string, release: (s: number) => number | undefined) => {
    const files: Record<string, string> = {};
    services.forEach((service, s) => {
      const r = release(s);
      if (r !== undefined) {
        files[benchValuesPath(service, env)] = benchValuesFile(
          service,
          env,
          tag(s, r),
        );
      }
    });
    return files;
  };
  const commits: LaggingMatrixCommit[] = [
    {
      message: 'Import the services',
      files: Object.assign(
        {},
        ...pipeline.map(env => filesAt(env.name, () => 0)),
      ),
    },
  ];
  for (let train = 1; train <= trains; train++) {
    for (const env of pipeline) {
      const files = filesAt(env.name, s =>
        reached.get(`${services[s]}\0${env.name}`)! >= train
          ? train
          : undefined,
      );
      if (Object.keys(files).length) {
        commits.push({
          message: `Release train ${train} to ${env.name}`,
          files,
        });
      }
    }
  }
  return { commits, behindCells, upstreamFiles: upstreamFiles.size };
}

/** A number in [0, 1) that looks random but is the same every run (murmur3's finalizer). */
function fraction(a: number, b: number): number {
  let hash = Math.imul(a + 1, 0x9e3779b1) ^ (b + 1);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return ((hash ^ (hash >>> 16)) >>> 0) / 2 ** 32;
}
