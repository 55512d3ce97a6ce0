import { ResolvedDevServerOptions } from '../options';
import { findServicesInFile } from './findServicesInFile';
import { compilePathTemplate, renderTemplate } from './templates';

/** One file of an application and the version keys it holds. */
export interface ApplicationFile {
  path: string;
  keys: string[];
  /** The file holds values of several services (its path has no `{service}`). */
  shared: boolean;
}

/** An Argo CD application found in the repository: one service in one environment. */
export interface DiscoveredApplication {
  name: string;
  service: string;
  env: string;
  layoutId: string;
  labels: Record<string, string>;
  /** The layout's files that exist at the observed commit. */
  files: ApplicationFile[];
}

/**
 * Finds the applications the repository describes at one commit: every
 * (service, environment) a layout file path matches, and for files shared by
 * several services (a Kustomize overlay), the services named in their keys.
 * When two layouts claim the same service and environment, the first wins.
 */
export async function discoverApplications(
  tree: Map<string, string>,
  readFiles: (paths: string[]) => Promise<Map<string, string>>,
  options: Pick<
    ResolvedDevServerOptions,
    'layouts' | 'environments' | 'applicationNameTemplate' | 'labelTemplates'
  >,
): Promise<DiscoveredApplication[]> {
  const found = new Map<
    string,
    { service: string; env: string; layoutId: string }
  >();
  const claim = (service: string, env: string, layoutId: string) => {
    const id = `${service}\u0000${env}`;
    if (!found.has(id)) found.set(id, { service, env, layoutId });
  };

  for (const layout of options.layouts) {
    for (const file of layout.files) {
      const match = compilePathTemplate(file.path, options.environments);
      const matches = [...tree.keys()]
        .map(path => ({ path, values: match(path) }))
        .filter(m => m.values?.env !== undefined);
      if (file.path.includes('{service}')) {
        for (const { values } of matches) {
          claim(values!.service!, values!.env!, layout.id);
        }
        continue;
      }
      const texts = await readFiles(matches.map(m => m.path));
      for (const { path, values } of matches) {
        const text = texts.get(path);
        if (text === undefined) continue;
        for (const key of file.keys.filter(k => k.includes('{service}'))) {
          for (const service of findServicesInFile(text, key, values!.env!)) {
            claim(service, values!.env!, layout.id);
          }
        }
      }
    }
  }

  const applications: DiscoveredApplication[] = [];
  for (const { service, env, layoutId } of found.values()) {
    const layout = options.layouts.find(l => l.id === layoutId)!;
    const values = { service, env };
    applications.push({
      name: renderTemplate(options.applicationNameTemplate, values),
      service,
      env,
      layoutId,
      labels: Object.fromEntries(
        Object.entries(options.labelTemplates).map(([k, v]) => [
          k,
          renderTemplate(v, values),
        ]),
      ),
      files: layout.files
        .map(f => ({
          path: renderTemplate(f.path, values),
          keys: f.keys.map(k => renderTemplate(k, values)),
          shared: !f.path.includes('{service}'),
        }))
        .filter(f => tree.has(f.path)),
    });
  }
  return applications.sort((a, b) => a.name.localeCompare(b.name));
}
