import fs from 'node:fs/promises';
import path from 'node:path';
import { runGit } from '../../../git/runGit';

const IDENTITY = {
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
};

/** The service names of a generated repository: `svc-000` … */
export function benchServiceNames(count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => `svc-${String(i).padStart(3, '0')}`,
  );
}

/**
 * Writes a bare GitOps repository at `target` with one Helm values file per
 * service and environment (`envs/{env}/{service}/values.yaml`, `image.tag`),
 * committed once on `main`.
 */
export async function generateBenchRepository(
  dir: string,
  services: string[],
  environments: string[],
): Promise<string> {
  const work = path.join(dir, 'work');
  for (const env of environments) {
    for (const [index, service] of services.entries()) {
      const folder = path.join(work, 'envs', env, service);
      await fs.mkdir(folder, { recursive: true });
      await fs.writeFile(
        path.join(folder, 'values.yaml'),
        `# ${service} in ${env}\nimage:\n  repository: ghcr.io/acme/${service}\n  tag: "1.${
          index % 40
        }.${environments.indexOf(env)}"\n`,
      );
    }
  }
  await runGit(['init', '--quiet', '--initial-branch=main'], { cwd: work });
  await runGit(['add', '--all'], { cwd: work });
  await runGit(['commit', '--quiet', '-m', 'Generate bench services'], {
    cwd: work,
    env: IDENTITY,
  });
  const target = path.join(dir, 'gitops.git');
  await runGit(['clone', '--quiet', '--bare', work, target], { cwd: dir });
  return target;
}
