import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { ApplicationIndex } from './ApplicationIndex';
import { ArgoCdConfig } from './ArgoCdConfig';
import { ArgoCdInstanceApi } from './ArgoCdInstanceApi';
import { ArgoCdRequestError } from './ArgoCdRequestError';
import { ApplicationListQuery, buildListQuery } from './buildListQuery';
import { CoalescingTtlCache } from './CoalescingTtlCache';
import { evaluateRollout } from './evaluateRollout';
import { findApplication } from './findApplication';
import {
  parseApplication,
  parseApplicationList,
  ParsedApplication,
} from './parseApplication';
import { readArgoCdConfig } from './readArgoCdConfig';
import {
  ApplicationMapping,
  resolveApplicationMapping,
} from './resolveApplicationMapping';
import { toArgoCdStatus } from './toArgoCdStatus';
import {
  ArgoCdApplicationLookup,
  ArgoCdApplicationRef,
  ArgoCdDeployment,
  ArgoCdTarget,
  RolloutEvaluation,
  RolloutTrackerState,
} from './types';
import type {
  GitopsArgoCdStatus,
  GitopsKnownArgoCdStatus,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';

type MappedApplication = Extract<ApplicationMapping, { kind: 'mapped' }>;
/** A git commit id (SHA-1 or SHA-256), as opposed to a chart version or tag. */
const COMMIT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;
type ListOutcome =
  | { ok: true; applications: ApplicationIndex }
  | { ok: false; error: ArgoCdRequestError };

/**
 * What {@link ArgoCdClient.trackRollout} needs.
 */
export interface TrackRolloutRequest extends ArgoCdTarget {
  /** The promotion commit. */
  commitSha: string;
  /** When it was committed; the tracking timeout runs from here. */
  since: Date | string;
  /** What the previous call returned in `state`. */
  state?: RolloutTrackerState;
  /**
   * Whether a revision Argo CD reports contains the commit (is a descendant
   * of it), for when unrelated commits landed on the branch after it. Only
   * asked about commit ids (not chart versions); a rejection counts as false.
   */
  containsCommit?: (revision: string) => Promise<boolean>;
}

/**
 * Options of {@link ArgoCdClient}.
 */
export interface ArgoCdClientOptions {
  config: ArgoCdConfig;
  logger?: LoggerService;
  /** The clock, for tests. */
  now?: () => Date;
}

const scope = (mapping: MappedApplication) => ({
  ...(mapping.appNamespace ? { namespace: mapping.appNamespace } : {}),
  ...(mapping.project ? { project: mapping.project } : {}),
});

/** The application of a cell whose name is known. */
const toRef = (
  mapping: MappedApplication,
  name: string,
): ArgoCdApplicationRef => ({
  instance: mapping.instance,
  name,
  ...scope(mapping),
});

/** Where the application of a cell without status was looked for. */
const toLookup = (mapping: MappedApplication): ArgoCdApplicationLookup => ({
  instance: mapping.instance,
  ...(mapping.name !== undefined ? { name: mapping.name } : {}),
  ...(mapping.selectorText ? { selector: mapping.selectorText } : {}),
  ...scope(mapping),
});

/**
 * Reads sync status, health and live images of every service in every
 * environment from the configured Argo CD instances, with one cached
 * application list call per instance shared by all cells, and tracks
 * promotions until Argo CD runs them. Never syncs: auto-sync stays the
 * source of truth; it only asks for a refresh.
 */
export class ArgoCdClient {
  private readonly apis = new Map<string, ArgoCdInstanceApi>();
  private readonly listQueries = new Map<string, ApplicationListQuery>();
  private readonly lists: CoalescingTtlCache<ListOutcome>;
  private readonly now: () => Date;

  /**
   * A client for `gitopsPromotion.argocd`, or undefined when Argo CD is not
   * configured.
   *
   * @throws GitopsPromotionConfigError when the configuration is invalid
   */
  static fromConfig(
    rootConfig: Config,
    options: { logger?: LoggerService } = {},
  ): ArgoCdClient | undefined {
    const config = readArgoCdConfig(rootConfig);
    return config && new ArgoCdClient({ config, logger: options.logger });
  }

  constructor(private readonly options: ArgoCdClientOptions) {
    this.now = options.now ?? (() => new Date());
    for (const instance of options.config.instances) {
      this.apis.set(instance.name, new ArgoCdInstanceApi(instance));
      this.listQueries.set(
        instance.name,
        buildListQuery(
          options.config.environments.filter(e => e.instance === instance.name),
        ),
      );
    }
    this.lists = new CoalescingTtlCache(
      name =>
        options.config.instances.find(i => i.name === name)?.cacheTtlMs ?? 0,
      () => this.now().getTime(),
    );
  }

  /**
   * The status of each target, in order. Costs at most one list call per
   * instance involved, none while the instance's list is cached. An instance
   * that is down or refuses access only makes its own cells unknown.
   */
  async getStatuses(targets: ArgoCdTarget[]): Promise<GitopsArgoCdStatus[]> {
    const mappings = targets.map(t =>
      resolveApplicationMapping(t, this.options.config),
    );
    const instances = new Set(
      mappings.flatMap(m => (m.kind === 'mapped' ? [m.instance] : [])),
    );
    const outcomes = new Map(
      await Promise.all(
        [...instances].map(
          async name => [name, await this.listApplications(name)] as const,
        ),
      ),
    );
    return mappings.map(mapping => {
      if (mapping.kind === 'not-configured') {
        return {
          state: 'unknown',
          reason: 'not-configured',
          message: mapping.message,
        };
      }
      const outcome = outcomes.get(mapping.instance)!;
      if (!outcome.ok) {
        return {
          state: 'unknown',
          reason:
            outcome.error.kind === 'access-denied'
              ? 'access-denied'
              : 'instance-unreachable',
          message: outcome.error.message,
          application: toLookup(mapping),
        };
      }
      const found = findApplication(outcome.applications, mapping);
      if (found.kind !== 'found') {
        return {
          state: 'unknown',
          reason:
            found.kind === 'missing' ? 'application-missing' : 'not-configured',
          message: found.message,
          application: toLookup(mapping),
        };
      }
      return toArgoCdStatus(found.application, toRef(mapping, found.name));
    });
  }

  /** The status of one target (served from the same cached list). */
  async getStatus(target: ArgoCdTarget): Promise<GitopsArgoCdStatus> {
    const [status] = await this.getStatuses([target]);
    return status;
  }

  /**
   * Asks Argo CD to compare the target's application with git now
   * (`GET /api/v1/applications/{name}?refresh=normal`), drops the instance's
   * cached list, and returns the refreshed status. Never syncs.
   *
   * @throws NotFoundError when the target is not mapped or the application does not exist
   * @throws ServiceUnavailableError when the instance is unreachable or refuses access
   */
  async requestRefresh(target: ArgoCdTarget): Promise<GitopsKnownArgoCdStatus> {
    const { mapping, name } = await this.locate(target);
    const app = await this.readApplication(mapping, name, 'normal');
    this.lists.invalidate(mapping.instance);
    return toArgoCdStatus(app, toRef(mapping, name));
  }

  /**
   * The target's deployments from `status.history`, newest first, read with
   * one request for this application.
   *
   * @throws NotFoundError when the target is not mapped or the application does not exist
   * @throws ServiceUnavailableError when the instance is unreachable or refuses access
   */
  async getHistory(target: ArgoCdTarget): Promise<ArgoCdDeployment[]> {
    const { mapping, name } = await this.locate(target);
    const app = await this.readApplication(mapping, name);
    return [...app.history].reverse();
  }

  /**
   * Evaluates a promotion's rollout once (see evaluateRollout); call it
   * repeatedly with the returned state. Reads the cached list; when the
   * instance's list projection dropped the revision, reads this one
   * application instead.
   */
  async trackRollout(request: TrackRolloutRequest): Promise<RolloutEvaluation> {
    let status = await this.getStatus(request);
    if (
      status.state === 'known' &&
      !status.revision &&
      !status.revisions.length
    ) {
      status = await this.requestStatusOfOne(request, status);
    }
    const descendantRevisions = new Set<string>();
    if (status.state === 'known' && request.containsCommit) {
      const revisions = new Set([status.revision, ...status.revisions]);
      for (const revision of revisions) {
        // A multi-source application also reports chart versions (`1.2.3`)
        // and other repositories' commits: only commit ids are asked about.
        if (!revision || !COMMIT_ID.test(revision)) continue;
        if (await this.containsCommit(request, revision)) {
          descendantRevisions.add(revision);
        }
      }
    }
    return evaluateRollout({
      status,
      commitSha: request.commitSha,
      since: new Date(request.since),
      now: this.now(),
      previous: request.state,
      settleMs: this.options.config.tracking.settleMs,
      timeoutMs: this.options.config.tracking.timeoutMs,
      descendantRevisions,
    });
  }

  /**
   * The request's answer for one revision; a check that fails counts as "does
   * not contain", so the rollout is still evaluated (and times out).
   */
  private async containsCommit(
    request: TrackRolloutRequest,
    revision: string,
  ): Promise<boolean> {
    try {
      return await request.containsCommit!(revision);
    } catch (error) {
      this.options.logger?.warn(
        `Could not tell whether revision ${revision} of ${request.service} in ${request.environment} contains ${request.commitSha}: ${error}`,
      );
      return false;
    }
  }

  /** Closes every instance's connections. */
  async close(): Promise<void> {
    await Promise.all([...this.apis.values()].map(api => api.close()));
  }

  private listApplications(instance: string): Promise<ListOutcome> {
    return this.lists.get(instance, async () => {
      try {
        const list = await this.apis
          .get(instance)!
          .listApplications(this.listQueries.get(instance) ?? { projects: [] });
        return {
          ok: true,
          applications: new ApplicationIndex(parseApplicationList(list)),
        };
      } catch (error) {
        const failure =
          error instanceof ArgoCdRequestError
            ? error
            : new ArgoCdRequestError('unreachable', String(error));
        this.options.logger?.warn(failure.message);
        return {
          ok: false,
          error:
            failure.kind === 'not-found'
              ? new ArgoCdRequestError('unreachable', failure.message)
              : failure,
        };
      }
    });
  }

  private async requestStatusOfOne(
    target: ArgoCdTarget,
    fallback: GitopsArgoCdStatus,
  ): Promise<GitopsArgoCdStatus> {
    try {
      const { mapping, name } = await this.locate(target);
      return toArgoCdStatus(
        await this.readApplication(mapping, name),
        toRef(mapping, name),
      );
    } catch {
      return fallback;
    }
  }

  /** The mapping and application name of a target, or the error to throw. */
  private async locate(
    target: ArgoCdTarget,
  ): Promise<{ mapping: MappedApplication; name: string }> {
    const mapping = resolveApplicationMapping(target, this.options.config);
    if (mapping.kind === 'not-configured') {
      throw new NotFoundError(mapping.message);
    }
    if (mapping.name !== undefined) {
      return { mapping, name: mapping.name };
    }
    const outcome = await this.listApplications(mapping.instance);
    if (!outcome.ok) {
      throw new ServiceUnavailableError(outcome.error.message);
    }
    const found = findApplication(outcome.applications, mapping);
    if (found.kind !== 'found') {
      throw new NotFoundError(found.message);
    }
    return { mapping, name: found.name };
  }

  private async readApplication(
    mapping: MappedApplication,
    name: string,
    refresh?: 'normal',
  ): Promise<ParsedApplication> {
    let json: unknown;
    try {
      json = await this.apis.get(mapping.instance)!.getApplication(name, {
        refresh,
        appNamespace: mapping.appNamespace,
        project: mapping.project,
      });
    } catch (error) {
      if (error instanceof ArgoCdRequestError && error.kind === 'not-found') {
        throw new NotFoundError(error.message);
      }
      throw new ServiceUnavailableError(
        error instanceof ArgoCdRequestError ? error.message : String(error),
      );
    }
    const app = parseApplication(json);
    if (!app) {
      throw new ServiceUnavailableError(
        `Argo CD instance '${mapping.instance}' returned something that is not an application for '${name}'`,
      );
    }
    return app;
  }
}
