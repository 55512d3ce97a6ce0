import type { GitopsArgoCdStatus } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { isDigest, versionKindOfKey } from '../policy';
import { CellVersion } from './VersionReader';

/** Drift: git says one version, Argo CD runs images without it. */
export interface Drift {
  desired: string;
  live: string[];
}

/** Git's image tag is not among the live images Argo CD reports. */
export function driftOf(
  cell: CellVersion,
  status: GitopsArgoCdStatus,
): Drift | undefined {
  if (status.state !== 'known' || status.images.length === 0) return undefined;
  const tag = cell.values.find(
    v => versionKindOfKey(v.key) === 'image-tag' && v.value,
  );
  if (!tag?.value) return undefined;
  const separator = isDigest(tag.value) ? '@' : ':';
  const running = status.images.some(image =>
    image.endsWith(`${separator}${tag.value}`),
  );
  return running ? undefined : { desired: tag.value, live: status.images };
}
