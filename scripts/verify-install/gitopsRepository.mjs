// The GitOps repository of the generated configuration: a bare repository
// with one values file per environment of the README's configuration,
// holding a different version in each.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';

/** `{ image: { tag: version } }` for the key `image.tag`. */
function valuesAt(key, version) {
  return key
    .split('.')
    .reverse()
    .reduce((value, part) => ({ [part]: value }), version);
}

export async function createGitopsRepository({ dir, config, service }) {
  const layout =
    config.layouts.find(l => l.id === config.defaultLayout) ??
    config.layouts[0];
  const [file] = layout.files;
  const work = path.join(dir, 'gitops-work');
  const git = (...args) =>
    execFileSync('git', args, {
      cwd: work,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'verify-install',
        GIT_AUTHOR_EMAIL: 'verify-install@example.com',
        GIT_COMMITTER_NAME: 'verify-install',
        GIT_COMMITTER_EMAIL: 'verify-install@example.com',
      },
    });
  fs.mkdirSync(work);
  git('init', '--quiet', '--initial-branch=main');
  const versions = config.environments.map((environment, index) => {
    const version = `1.${config.environments.length - index}.0`;
    const target = path.join(
      work,
      file.path
        .replaceAll('{env}', environment.name)
        .replaceAll('{service}', service),
    );
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, stringify(valuesAt(file.keys[0], version)));
    return { environment: environment.title ?? environment.name, version };
  });
  git('add', '--all');
  git('commit', '--quiet', '-m', `${service} in every environment`);
  const url = path.join(dir, 'gitops.git');
  execFileSync('git', ['clone', '--quiet', '--bare', work, url]);
  return { url, versions };
}
