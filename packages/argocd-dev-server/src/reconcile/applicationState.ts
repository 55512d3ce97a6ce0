import { getYamlValue } from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import { DiscoveredApplication } from '../discovery/discoverApplications';
import { imageForKey } from '../discovery/imageForKey';
import { renderTemplate } from '../discovery/templates';

/** File contents by path at one commit. */
export type FileContents = Map<string, string>;

function valueOf(text: string | undefined, key: string): string {
  if (text === undefined) return '<missing>';
  try {
    return getYamlValue(text, key) ?? '<unset>';
  } catch {
    return '<unreadable>';
  }
}

/**
 * What decides whether an application changed between two commits: the blob
 * of each file that belongs to the service alone, and only the version values
 * of files shared with other services (a commit bumping `inventory` in a
 * Kustomize overlay does not roll out `notifications`).
 */
export function fingerprintApplication(
  app: DiscoveredApplication,
  tree: Map<string, string>,
  contents: FileContents,
): string {
  return app.files
    .map(file =>
      file.shared
        ? `${file.path}=${file.keys
            .map(key => valueOf(contents.get(file.path), key))
            .join(',')}`
        : `${file.path}@${tree.get(file.path)}`,
    )
    .join('|');
}

/** The images an application runs once synced to the given file contents. */
export function imagesOfApplication(
  app: DiscoveredApplication,
  contents: FileContents,
  imageRepositoryTemplate: string,
): string[] {
  const fallback = renderTemplate(imageRepositoryTemplate, app);
  const images = new Set<string>();
  for (const file of app.files) {
    const text = contents.get(file.path);
    if (text === undefined) continue;
    for (const key of file.keys) {
      const image = imageForKey(text, key, fallback);
      if (image) images.add(image);
    }
  }
  return [...images];
}

/** Whether the version values of `keys` differ between two versions of a file. */
export function versionValuesDiffer(
  keys: string[],
  before: string | undefined,
  after: string | undefined,
): boolean {
  return keys.some(key => valueOf(before, key) !== valueOf(after, key));
}

/**
 * The application's version value: its first layout key (e.g. `image.tag`)
 * in its first file, or undefined when unset.
 */
export function versionOfApplication(
  app: DiscoveredApplication,
  contents: FileContents,
): string | undefined {
  const [file] = app.files;
  const text = file && contents.get(file.path);
  if (text === undefined || !file.keys.length) return undefined;
  try {
    return getYamlValue(text, file.keys[0]);
  } catch {
    return undefined;
  }
}
