import { InputError, NotFoundError } from '@backstage/errors';
import {
  getYamlValue,
  isYamlEditError,
  setYamlValue,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import {
  ResolvedFile,
  ServiceLocation,
} from '../locations/resolveServiceLocation';
import {
  GitopsRepository,
  Snapshot,
} from '../../clients/repository/GitopsRepository';
import { FileChange } from '../../clients/repository/types';
import { fileDiff } from '../writing/fileDiff';
import { PromotionValueChange } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';

/** The exact change a promotion makes, computed on one commit. */
export interface ChangeSet {
  repositoryId: string;
  branch: string;
  /** The commit the change set was computed on; the write is based on it. */
  baseCommit: string;
  changes: FileChange[];
  edits: PromotionValueChange[];
  /** Unified diff of every changed file. */
  diff: string;
}

/**
 * Sets the location's bundle keys to `values` (in bundle order: every key of
 * every file) in the snapshot's files. Only the target scalars change; values
 * already equal are left alone, so an empty change set means nothing to do.
 */
export async function buildChangeSet(
  repository: GitopsRepository,
  snapshot: Snapshot,
  location: ServiceLocation,
  values: string[],
): Promise<ChangeSet> {
  const keyCount = location.files.reduce((n, f) => n + f.keys.length, 0);
  if (values.length !== keyCount) {
    throw new InputError(
      `Expected ${keyCount} value(s) for the ${location.layout.id} layout, got ${values.length}`,
    );
  }
  const changes: FileChange[] = [];
  const edits: PromotionValueChange[] = [];
  const diffs: string[] = [];
  let index = 0;
  for (const file of location.files) {
    const original = await repository.readFile(snapshot, file.path);
    if (original === undefined) {
      throw new NotFoundError(
        `${file.path} does not exist on ${
          location.branch
        } at ${snapshot.commitSha.slice(0, 12)}`,
      );
    }
    let text = original;
    for (const key of file.keys) {
      const to = values[index++];
      const edited = edit(text, file, key, to);
      if (edited.text !== text) {
        edits.push({ path: file.path, key, from: edited.from, to });
        text = edited.text;
      }
    }
    if (text !== original) {
      changes.push({ path: file.path, content: text });
      diffs.push(fileDiff(file.path, original, text));
    }
  }
  return {
    repositoryId: location.repository.id,
    branch: location.branch,
    baseCommit: snapshot.commitSha,
    changes,
    edits,
    diff: diffs.join(''),
  };
}

function edit(text: string, file: ResolvedFile, key: string, value: string) {
  try {
    return {
      from: getYamlValue(text, key),
      text: setYamlValue(text, key, value, {
        createMissing: file.createMissingKeys,
      }),
    };
  } catch (error) {
    if (isYamlEditError(error)) {
      throw new InputError(
        `Cannot set ${key} in ${file.path}: ${error.message}${
          error.code === 'KEY_NOT_FOUND' && !file.createMissingKeys
            ? ' (set createMissingKeys on the layout file to insert it)'
            : ''
        }`,
      );
    }
    throw error;
  }
}
