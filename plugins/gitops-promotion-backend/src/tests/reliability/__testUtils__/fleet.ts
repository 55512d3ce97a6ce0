import { Entity } from '@backstage/catalog-model';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runGit } from '../../../clients/git/runGit';
import { DemoRepository } from '../../../__testUtils__/demoRepository';
import { exampleEntities } from '../../../__testUtils__/promotionBackend';

const IDENTITY = {
  GIT_AUTHOR_NAME: 'Fleet Seeder',
  GIT_AUTHOR_EMAIL: 'fleet@example.com',
  GIT_COMMITTER_NAME: 'Fleet Seeder',
  GIT_COMMITTER_EMAIL: 'fleet@example.com',
};

const ENVIRONMENTS = ['dev', 'staging', 'prod-eu', 'prod-us'];

/** Versions every generated service starts with: staging is one ahead of production. */
export const FLEET_VERSIONS: Record<string, string> = {
  dev: '1.1.0',
  staging: '1.1.0',
  'prod-eu': '1.0.0',
  'prod-us': '1.0.0',
};

/** `count` generated services (`svc-001`, ...) in the default helm-env-dir layout. */
export function fleet(count: number, prefix = 'svc') {
  return Array.from({ length: count }, (_, i) => {
    const name = `${prefix}-${String(i + 1).padStart(3, '0')}`;
    return { name, entityRef: `component:default/${name}` };
  });
}

/** A catalog Component annotated for GitOps Promotion. */
export function serviceEntity(
  name: string,
  annotations: Record<string, string> = { 'gitops-promotion/service': name },
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, annotations },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/team-checkout',
      system: 'commerce',
    },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/team-checkout' }],
  };
}

/** The example catalog plus the generated services. */
export function catalogWith(services: Array<{ name: string }>): Entity[] {
  return [...exampleEntities(), ...services.map(s => serviceEntity(s.name))];
}

function valuesFile(service: string, env: string, tag: string) {
  return `# ${service} — ${env}\nreplicaCount: 1\n\nimage:\n  repository: ghcr.io/acme/${service}\n  tag: "${tag}"\n`;
}

/**
 * The files of the generated services in every environment (helm-env-dir
 * layout: `envs/{env}/{service}/values.yaml`), path → text.
 */
export function fleetFiles(services: Array<{ name: string }>) {
  const files: Record<string, string> = {};
  for (const { name } of services) {
    for (const env of ENVIRONMENTS) {
      files[`envs/${env}/${name}/values.yaml`] = valuesFile(
        name,
        env,
        FLEET_VERSIONS[env],
      );
    }
  }
  return files;
}

/** Adds the generated services' files to the demo repository in one pushed commit. */
export async function addFleet(
  demo: DemoRepository,
  services: Array<{ name: string }>,
) {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-fleet-'));
  const git = (...args: string[]) => runGit(args, { cwd: work, env: IDENTITY });
  try {
    await runGit(['clone', '--quiet', demo.bare, work], { cwd: os.tmpdir() });
    for (const [file, text] of Object.entries(fleetFiles(services))) {
      await fs.mkdir(path.dirname(path.join(work, file)), { recursive: true });
      await fs.writeFile(path.join(work, file), text);
    }
    await git('add', '--all');
    await git('commit', '--quiet', '-m', `Add ${services.length} services`);
    await git('push', '--quiet', 'origin', 'HEAD:main');
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

/**
 * Someone else pushing `count` unrelated commits (a notes file) to `main` of
 * the bare repository while promotions run, fetching and retrying when a
 * push loses a race. Resolves with the number of commits pushed.
 */
export async function anotherWriter(
  bare: string,
  count: number,
  pauseMs = 20,
): Promise<number> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-other-'));
  const git = (...args: string[]) => runGit(args, { cwd: work, env: IDENTITY });
  try {
    await runGit(['clone', '--quiet', bare, work], { cwd: os.tmpdir() });
    await fs.mkdir(path.join(work, 'notes'), { recursive: true });
    for (let i = 0; i < count; i++) {
      for (let attempt = 0; ; attempt++) {
        await git('fetch', '--quiet', 'origin', 'main');
        await git('reset', '--quiet', '--hard', 'origin/main');
        await fs.writeFile(
          path.join(work, 'notes', 'other-writer.txt'),
          `unrelated change ${i}\n`,
        );
        await git('add', 'notes');
        await git('commit', '--quiet', '-m', `Other writer ${i}`);
        const pushed = await git('push', '--quiet', 'origin', 'HEAD:main').then(
          () => true,
          () => false,
        );
        if (pushed) break;
        if (attempt > 50)
          throw new Error('The other writer never got a push in');
      }
      await new Promise(resolve => setTimeout(resolve, pauseMs));
    }
    return count;
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}
