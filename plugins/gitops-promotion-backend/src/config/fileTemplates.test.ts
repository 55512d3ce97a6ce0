import { ConfigReader } from '@backstage/config';
import { getYamlValue } from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  inspectRenderedFiles,
  renderFileTemplate,
  unknownPlaceholders,
} from './fileTemplates';
import { readPluginConfig } from './readPluginConfig';

const appConfig = parseYaml(
  fs.readFileSync(
    path.resolve(__dirname, '../../../../app-config.yaml'),
    'utf8',
  ),
);
const valid = () => JSON.parse(JSON.stringify(appConfig.gitopsPromotion));
const values = {
  service: 'billing',
  env: 'staging',
  imageRepository: 'ghcr.io/acme/billing',
  version: '1.10',
};

describe('layout file templates', () => {
  it('renders the placeholders, with or without spaces, and leaves the rest alone', () => {
    expect(
      renderFileTemplate(
        'name: ${{service}}-${{ env }}\nimage: { repository: ${{  imageRepository }}, tag: "${{ version }}" }\nliteral: {x}\n',
        values,
      ),
    ).toBe(
      'name: billing-staging\nimage: { repository: ghcr.io/acme/billing, tag: "1.10" }\nliteral: {x}\n',
    );
    expect(unknownPlaceholders('a: ${{ service }}\nb: ${{ name }}')).toEqual([
      'name',
    ]);
  });

  it('renders every templated layout of app-config.yaml with the version at its keys', () => {
    const config = readPluginConfig(new ConfigReader(appConfig))!;
    const templated = config.layouts.filter(l =>
      l.files.every(f => f.template),
    );
    expect(templated.map(l => l.id)).toEqual([
      'helm-env-dir',
      'helm-values-per-env',
      'umbrella-chart',
    ]);
    for (const layout of templated) {
      const files = layout.files.map(f => ({
        path: f.path,
        keys: f.keys,
        content: renderFileTemplate(f.template!, values),
      }));
      const inspection = inspectRenderedFiles(files, values.version);
      expect(inspection.problems).toEqual([]);
      expect(inspection.versionKeys.length).toBeGreaterThan(0);
      for (const { file, key } of inspection.versionKeys) {
        // `1.10` stays a string: the templates quote the version
        expect(getYamlValue(files[file].content, key)).toBe('1.10');
      }
    }
    const umbrella = templated.find(l => l.id === 'umbrella-chart')!;
    expect(
      getYamlValue(
        renderFileTemplate(umbrella.files[0].template!, values),
        'dependencies[name=service-base].version',
      ),
    ).toBe('1.4.2');
  });

  it('reports a file that does not parse, a missing key and a decorated version', () => {
    const inspection = inspectRenderedFiles(
      [
        { path: 'a.yaml', keys: ['image.tag'], content: 'image: [\n' },
        { path: 'b.yaml', keys: ['image.tag'], content: 'image: {}\n' },
        { path: 'c.yaml', keys: ['image.tag'], content: 'image:\n  tag: v2\n' },
        { path: 'd.yaml', keys: ['image.tag'], content: 'image:\n  tag: 2\n' },
      ],
      '2',
    );
    expect(inspection.problems).toEqual([
      {
        file: 0,
        message: expect.stringContaining(
          'cannot read image.tag in a.yaml: The file is not valid YAML',
        ),
      },
      {
        file: 1,
        message:
          "renders b.yaml without image.tag; the layout's key must be in the file",
      },
      {
        file: 2,
        message:
          "sets image.tag to 'v2'; a key filled from ${{ version }} must be exactly ${{ version }}",
      },
    ]);
    expect(inspection.versionKeys).toEqual([
      { file: 3, path: 'd.yaml', key: 'image.tag' },
    ]);
  });

  it.each<[string, (c: any) => void, string]>([
    [
      'an unknown placeholder',
      c => (c.layouts[0].files[0].template = 'image:\n  tag: ${{ tag }}\n'),
      'gitopsPromotion.layouts[0].files[0].template: unknown placeholder ${{ tag }}; use ${{ service }}, ${{ env }}, ${{ imageRepository }} or ${{ version }}',
    ],
    [
      'a template without the key',
      c =>
        (c.layouts[0].files[0].template =
          'image:\n  repository: ${{ imageRepository }}\n'),
      "gitopsPromotion.layouts[0].files[0].template: renders envs/example-env/example-service/values.yaml without image.tag; the layout's key must be in the file",
    ],
    [
      'a template that is not YAML',
      c => (c.layouts[1].files[0].template = 'image: [${{ version }}\n'),
      'gitopsPromotion.layouts[1].files[0].template: cannot read image.tag in charts/example-service/values-example-env.yaml: The file is not valid YAML',
    ],
    [
      'a key decorating the version',
      c =>
        (c.layouts[0].files[0].template = 'image:\n  tag: v${{ version }}\n'),
      "gitopsPromotion.layouts[0].files[0].template: sets image.tag to 'v0.0.0-gitops-promotion-probe'; a key filled from ${{ version }} must be exactly ${{ version }}",
    ],
    [
      'templates without the version',
      c => (c.layouts[0].files[0].template = 'image:\n  tag: "1.0.0"\n'),
      'gitopsPromotion.layouts[0].files: no template sets a key of the layout to ${{ version }}, so a new service would have no version',
    ],
    [
      'a layout with a template on one file only',
      c => delete c.layouts[3].files[1].template,
      'gitopsPromotion.layouts[3].files[1].template: is missing: a layout registers new services only when every file has a template',
    ],
    [
      'a template on a file shared by services',
      c =>
        (c.layouts[2].files[0].template =
          'images:\n- name: ghcr.io/acme/${{ service }}\n  newTag: "${{ version }}"\n'),
      "gitopsPromotion.layouts[2].files[0].template: 'overlays/{env}/kustomization.yaml' is shared by services (no {service} in the path); a template would overwrite the other services' values",
    ],
  ])('refuses %s at startup, naming the key', (_name, mutate, message) => {
    const section = valid();
    mutate(section);
    expect(() =>
      readPluginConfig(new ConfigReader({ gitopsPromotion: section })),
    ).toThrow(message);
  });
});
