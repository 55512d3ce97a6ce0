import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * Real Argo CD Application objects copied from public repositories (see
 * SOURCES.md there), shared with the other checkouts of the repository.
 */
export const REFERENCE_APPLICATIONS_DIR = path.resolve(
  __dirname,
  '../../../../../../../shared/reference/argocd/applications',
);

/** The reference files, sorted; throws when the directory is missing. */
export function listReferenceFiles(): string[] {
  return fs.readdirSync(REFERENCE_APPLICATIONS_DIR).sort();
}

/** Reads a reference file as raw text. */
export function readReferenceFile(file: string): string {
  return fs.readFileSync(path.join(REFERENCE_APPLICATIONS_DIR, file), 'utf8');
}

/**
 * The documents of a reference file: the items of a JSON ApplicationList, or
 * every document of a (multi-document) YAML file, loaded like a Kubernetes
 * client would (duplicate keys: the last wins).
 */
export function readReferenceDocuments(file: string): unknown[] {
  const text = readReferenceFile(file);
  if (file.endsWith('.json')) {
    return JSON.parse(text).items;
  }
  return parseAllDocuments(text, { uniqueKeys: false }).map(document => {
    if (document.errors.length) {
      throw new Error(`${file}: ${document.errors[0].message}`);
    }
    return document.toJS();
  });
}
