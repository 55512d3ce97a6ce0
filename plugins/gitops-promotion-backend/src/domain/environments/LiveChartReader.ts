import { getYamlValue } from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import type { GitopsArgoCdStatus } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { LoggerService } from '@backstage/backend-plugin-api';
import { GitopsRepository } from '../../clients/repository/GitopsRepository';
import { versionKindOfKey } from '../policy';
import { LiveChartVersions } from './drift';
import { CellVersion } from './VersionReader';

const COMMIT_SHA = /^[0-9a-f]{40}$/;

/**
 * The chart versions Argo CD runs, for the drift of cells whose bundle has
 * chart version keys: when the application's source is the GitOps
 * repository, its live revision is a commit, and the keys are read there
 * (a tree listing per distinct revision, cached; blobs only where the file
 * differs from git's); when it pulls the chart from a Helm repository, the
 * live revision is the chart version itself.
 */
export class LiveChartReader {
  constructor(
    private readonly deps: {
      repositories: (id: string) => GitopsRepository;
      logger?: LoggerService;
    },
  ) {}

  /** Per cell, the live chart versions, or undefined when there are none to compare. */
  async read(
    cells: CellVersion[],
    statuses: GitopsArgoCdStatus[],
  ): Promise<Array<LiveChartVersions | undefined>> {
    const live: Array<LiveChartVersions | undefined> = new Array(cells.length);
    // only cells with a chart version and a live revision cost anything
    await Promise.all(
      cells.flatMap((cell, i) => {
        const status = statuses[i];
        return status.state === 'known' &&
          status.revision &&
          cell.values.some(v => versionKindOfKey(v.key) === 'chart-version')
          ? [this.readOne(cell, status).then(v => (live[i] = v))]
          : [];
      }),
    );
    return live;
  }

  private async readOne(
    cell: CellVersion,
    status: GitopsArgoCdStatus,
  ): Promise<LiveChartVersions | undefined> {
    if (status.state !== 'known' || !status.revision) return undefined;
    const charts = cell.values.filter(
      v => v.value && versionKindOfKey(v.key) === 'chart-version',
    );
    if (charts.length === 0) return undefined;
    const { revision } = status;
    if (!COMMIT_SHA.test(revision)) {
      // a chart pulled from a Helm repository: the revision is its version
      return charts.length === 1
        ? new Map([[charts[0].key, revision]])
        : undefined;
    }
    // the same commit has the same values
    if (revision === cell.commitSha) return undefined;
    try {
      const repository = this.deps.repositories(cell.repositoryId);
      const [live, current] = await Promise.all([
        repository.snapshotAt('', revision),
        cell.commitSha
          ? repository.snapshotAt('', cell.commitSha)
          : Promise.resolve(undefined),
      ]);
      const versions = new Map<string, string>();
      for (const { path, key } of charts) {
        const blob = live.files.get(path);
        if (!blob || blob === current?.files.get(path)) continue;
        const value = getYamlValue(await repository.readBlob(blob), key);
        if (value !== undefined) versions.set(key, value);
      }
      return versions;
    } catch (error) {
      // a revision not on the repository's branches, an unreadable file:
      // no chart drift to tell
      this.deps.logger?.debug(
        `No live chart versions of ${cell.service} in ${cell.environment} at ${revision}: ${error}`,
      );
      return undefined;
    }
  }
}
