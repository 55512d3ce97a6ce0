import {
  getYamlValue,
  KeyPathSegment,
  parseKeyPath,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import { parseAllDocuments } from 'yaml';

const SENTINEL = '__gitops_service__';

type Json = unknown;

function step(node: Json, segment: KeyPathSegment): Json {
  if (segment.type === 'key') {
    return node && typeof node === 'object' && !Array.isArray(node)
      ? (node as Record<string, Json>)[segment.key]
      : undefined;
  }
  if (!Array.isArray(node)) return undefined;
  if (segment.type === 'index') return node[segment.index];
  return node.find(
    item =>
      item &&
      typeof item === 'object' &&
      String((item as Record<string, Json>)[segment.field]) === segment.value,
  );
}

/**
 * Finds the services a shared file holds a value for, when `{service}` only
 * appears in a key template: for `images[name=ghcr.io/acme/{service}].newTag`
 * in a Kustomize overlay, every `images` entry named `ghcr.io/acme/<x>` with a
 * `newTag` yields service `<x>`.
 */
export function findServicesInFile(
  text: string,
  keyTemplate: string,
  env: string,
): string[] {
  const template = keyTemplate.replace(/\{env\}/g, env);
  const [before, after] = template.split('{service}', 2);
  if (after === undefined) return [];
  let segments: KeyPathSegment[];
  try {
    segments = parseKeyPath(template.replace(/\{service\}/g, SENTINEL));
  } catch {
    return [];
  }
  const at = segments.findIndex(s =>
    s.type === 'key'
      ? s.key.includes(SENTINEL)
      : s.type === 'selector' && s.value.includes(SENTINEL),
  );
  if (at < 0) return [];
  const holder = segments[at];
  const pattern = new RegExp(
    `^${(holder.type === 'key'
      ? holder.key
      : (holder as { value: string }).value
    )
      .split(SENTINEL)
      .map(part => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('(.+?)')}$`,
  );

  const services = new Set<string>();
  let documents;
  try {
    documents = parseAllDocuments(text);
  } catch {
    return [];
  }
  for (const document of Array.isArray(documents) ? documents : []) {
    let node: Json = document.toJS();
    for (const segment of segments.slice(0, at)) node = step(node, segment);
    const candidates: string[] = [];
    if (holder.type === 'key' && node && typeof node === 'object') {
      candidates.push(...Object.keys(node));
    } else if (holder.type === 'selector' && Array.isArray(node)) {
      for (const item of node) {
        const value =
          item && typeof item === 'object'
            ? (item as Record<string, Json>)[holder.field]
            : undefined;
        if (value !== undefined && value !== null)
          candidates.push(String(value));
      }
    }
    for (const candidate of candidates) {
      const match = pattern.exec(candidate);
      if (!match) continue;
      const service = match[1];
      const key = `${before}${service}${after}`;
      try {
        if (getYamlValue(text, key) !== undefined) services.add(service);
      } catch {
        // an entry without the versioned key is not a service of this layout
      }
    }
  }
  return [...services];
}
