import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createTestGitopsRepository,
  startGitopsPromotionTestBackend,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-backend/testUtils';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { gitopsPromotionEnvironmentPromotePermission } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';

const root = path.resolve(__dirname, '../../../..');

/** Every file under `dir`, by path relative to it. */
function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, {
    recursive: true,
    withFileTypes: true,
  })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, file)] = fs.readFileSync(file, 'utf8');
  }
  return files;
}

/** The embedded default's environments and layouts on `url`, without Argo CD. */
function demoConfig(url: string, workingDirectory: string) {
  const section = parseYaml(
    fs.readFileSync(path.join(root, 'app-config.yaml'), 'utf8'),
  ).gitopsPromotion;
  section.repositories[0].url = url;
  section.repositories[0].branchHeadCacheSeconds = 0;
  section.workingDirectory = workingDirectory;
  delete section.argocd;
  delete section.development;
  for (const env of section.environments) {
    delete env.argocd;
    delete env.freezeWindows;
  }
  return section;
}

/**
 * The gitops-promotion backend, through its published test utilities, over
 * the demo GitOps repository's files and the example catalog; `deny` names,
 * per user, the environment patterns they may not promote into.
 */
export async function startPromotionBackend(options: {
  deny: Record<string, string[]>;
}) {
  const repository = await createTestGitopsRepository({
    files: readTree(path.join(root, 'examples/gitops-repo')),
  });
  const entities = ['examples/entities.yaml', 'examples/org.yaml'].flatMap(
    file =>
      parseAllDocuments(fs.readFileSync(path.join(root, file), 'utf8'))
        .map(document => document.toJS() as Entity)
        .filter(Boolean),
  );
  const backend = await startGitopsPromotionTestBackend({
    config: demoConfig(repository.url, path.join(repository.dir, 'cache')),
    entities,
    features: [
      mockServices.permissions.mock({
        authorize: async (requests, { credentials }) => {
          const { userEntityRef = '' } = credentials.principal as {
            userEntityRef?: string;
          };
          const denied = (options.deny[userEntityRef] ?? []).map(
            pattern => new RegExp(`^${pattern.replace(/\*/g, '.*')}$`),
          );
          return requests.map(request => {
            const { resourceRef = '' } = request as { resourceRef?: string };
            const isPromote =
              request.permission.name ===
              gitopsPromotionEnvironmentPromotePermission.name;
            return {
              result:
                isPromote && denied.some(p => p.test(resourceRef))
                  ? AuthorizeResult.DENY
                  : AuthorizeResult.ALLOW,
            } as never;
          });
        },
      }).factory,
    ],
  });
  return {
    server: backend.server,
    repository,
    async stop() {
      await backend.stop();
      await repository.cleanup();
    },
  };
}
