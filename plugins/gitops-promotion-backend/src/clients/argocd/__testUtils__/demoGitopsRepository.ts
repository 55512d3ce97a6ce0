import { getYamlValue } from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { DemoRepository } from '../../../__testUtils__/demoRepository';

const root = path.resolve(__dirname, '../../../../../..');

interface LayoutFile {
  path: string;
  keys: string[];
}

/** The demo's gitopsPromotion section and example services, read from the repository. */
export interface DemoSetup {
  layouts: Array<{ id: string; files: LayoutFile[] }>;
  environments: string[];
  /** Service name to layout id, from examples/entities.yaml. */
  services: Map<string, string>;
}

/** Reads app-config.yaml's layouts and environments and examples/entities.yaml. */
export async function readDemoSetup(): Promise<DemoSetup> {
  const config = parseYaml(
    await fs.readFile(path.join(root, 'app-config.yaml'), 'utf8'),
  ).gitopsPromotion;
  const entities = parseAllDocuments(
    await fs.readFile(path.join(root, 'examples/entities.yaml'), 'utf8'),
  ).map(d => d.toJS());
  const services = new Map<string, string>();
  for (const entity of entities) {
    const annotations = entity?.metadata?.annotations ?? {};
    if (annotations['gitops-promotion/service']) {
      services.set(
        annotations['gitops-promotion/service'],
        annotations['gitops-promotion/layout'] ?? config.defaultLayout,
      );
    }
  }
  return {
    layouts: config.layouts,
    environments: config.environments.map((e: { name: string }) => e.name),
    services,
  };
}

/**
 * The image a service runs in an environment according to the repository:
 * the value of its layout's first `tag`/`newTag` key.
 */
export async function expectedImageTag(
  repository: DemoRepository,
  setup: DemoSetup,
  service: string,
  env: string,
): Promise<string> {
  const layout = setup.layouts.find(l => l.id === setup.services.get(service))!;
  for (const file of layout.files) {
    const key = file.keys
      .map(k => k.replace(/\{service\}/g, service).replace(/\{env\}/g, env))
      .find(k => /(^|\.)(tag|newTag)$/.test(k));
    if (key) {
      const filePath = file.path
        .replace(/\{service\}/g, service)
        .replace(/\{env\}/g, env);
      return getYamlValue(await repository.show(filePath), key)!;
    }
  }
  throw new Error(`No image key for ${service}`);
}
