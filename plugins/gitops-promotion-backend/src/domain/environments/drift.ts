import type { GitopsArgoCdStatus } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { isDigest, versionKindOfKey } from '../policy';
import { CellVersion } from './VersionReader';
import { normalizeImageReference } from './imageReference';

/** Drift: git says one version, Argo CD runs images without it. */
export interface Drift {
  desired: string;
  live: string[];
}

/** Per chart version key of a bundle, the version Argo CD runs (see LiveChartReader). */
export type LiveChartVersions = ReadonlyMap<string, string>;

/**
 * Git asks for something Argo CD does not run: a chart version other than
 * the one at Argo CD's live revision (`liveCharts`), or an image Argo CD does
 * not run. Every image tag of the bundle is compared, by its full reference
 * (repository and tag or digest) where the file says which image, else by
 * its tag alone. The first difference is the drift.
 */
export function driftOf(
  cell: CellVersion,
  status: GitopsArgoCdStatus,
  liveCharts?: LiveChartVersions,
): Drift | undefined {
  if (status.state !== 'known') return undefined;
  for (const { key, value } of cell.values) {
    const running = liveCharts?.get(key);
    if (value && running !== undefined && running !== value) {
      return { desired: value, live: [running] };
    }
  }
  if (status.images.length === 0) return undefined;
  const live = new Set(status.images.map(normalizeImageReference));
  for (const { key, value, image } of cell.values) {
    if (!value || versionKindOfKey(key) !== 'image-tag') continue;
    const running = image
      ? live.has(normalizeImageReference(image))
      : status.images.some(i =>
          i.endsWith(`${isDigest(value) ? '@' : ':'}${value}`),
        );
    if (!running) return { desired: image ?? value, live: status.images };
  }
  return undefined;
}
