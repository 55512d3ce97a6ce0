import {
  getYamlValue,
  isYamlEditError,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-node';

/**
 * Values of a layout file template (`gitopsPromotion.layouts[].files[].template`):
 * `${{ service }}`, `${{ env }}`, `${{ imageRepository }}` and `${{ version }}`.
 */
export interface FileTemplateValues {
  service: string;
  env: string;
  imageRepository: string;
  version: string;
}

const PLACEHOLDER = /\$\{\{\s*([^}\s]*)\s*\}\}/g;
const NAMES: ReadonlySet<string> = new Set<keyof FileTemplateValues>([
  'service',
  'env',
  'imageRepository',
  'version',
]);

/**
 * A version no template writes by accident: rendering with it tells which
 * keys a template fills from `${{ version }}`.
 */
export const PROBE_VERSION = '0.0.0-gitops-promotion-probe';

/** Placeholders of a template that are not known, e.g. `${{ name }}`. */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)]
    .map(m => m[1])
    .filter(name => !NAMES.has(name));
}

/** Substitutes the placeholders; the values are validated by the caller. */
export function renderFileTemplate(
  template: string,
  values: FileTemplateValues,
): string {
  return template.replace(
    PLACEHOLDER,
    (_, name: string) => values[name as keyof FileTemplateValues],
  );
}

/** A layout file rendered for one service and environment. */
export interface RenderedFile {
  path: string;
  keys: string[];
  content: string;
}

/** What {@link inspectRenderedFiles} found. */
export interface RenderedFilesInspection {
  /** Keys whose value is exactly `version`, with the index of their file. */
  versionKeys: Array<{ file: number; path: string; key: string }>;
  /** What is wrong, per file (by index). */
  problems: Array<{ file: number; message: string }>;
}

/**
 * Reads rendered files back the way a promotion would: every file must be
 * valid YAML and hold every layout key as a scalar. A key whose value
 * contains `version` must be exactly `version` (a key the promotion would
 * edit cannot hold `v${{ version }}`); such keys are reported as version keys.
 */
export function inspectRenderedFiles(
  files: RenderedFile[],
  version: string,
): RenderedFilesInspection {
  const inspection: RenderedFilesInspection = { versionKeys: [], problems: [] };
  files.forEach((file, index) => {
    const problem = (message: string) =>
      inspection.problems.push({ file: index, message });
    for (const key of file.keys) {
      let value: string | undefined;
      try {
        value = getYamlValue(file.content, key);
      } catch (error) {
        if (!isYamlEditError(error)) throw error;
        problem(`cannot read ${key} in ${file.path}: ${error.message}`);
        if (isYamlEditError(error, 'PARSE_ERROR')) return;
        continue;
      }
      if (value === undefined) {
        problem(
          `renders ${file.path} without ${key}; the layout's key must be in the file`,
        );
      } else if (value === version) {
        inspection.versionKeys.push({ file: index, path: file.path, key });
      } else if (value.includes(version)) {
        problem(
          `sets ${key} to '${value}'; a key filled from \${{ version }} must be exactly \${{ version }}`,
        );
      }
    }
  });
  return inspection;
}
