import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { ApplicationIndex } from './ApplicationIndex';
import { ApplicationListSnapshot, ApplicationWatch } from './ApplicationWatch';
import { ArgoCdConfig, ArgoCdInstanceConfig } from './ArgoCdConfig';
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
  parseListResourceVersion,
} from './parseApplication';
import { readArgoCdConfig } from './readArgoCdConfig';
import {
  ApplicationMapping,
  resolveApplicationMapping,
} from './resolveApplicationMapping';
import {
  ArgoCdStatusChangeListener,
  StatusChangeNotifier,
} from './StatusChangeNotifier';
import { toArgoCdStatus } from './toArgoCdStatus';
import {
  ArgoCdApplicationLookup,
  ArgoCdApplicationRef,
  ArgoCdDeployment,
  ArgoCdTarget,
  RolloutEvaluation,
  RolloutTrackerState,
} from './types';
import {
  GITOPS_PROMOTION_ARGOCD_APP_ANNOTATION,
  GITOPS_PROMOTION_ARGOCD_INSTANCE_ANNOTATION,
  GITOPS_PROMOTION_ARGOCD_SELECTOR_ANNOTATION,
  type GitopsArgoCdStatus,
  type GitopsKnownArgoCdStatus,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { LRUCache } from 'lru-cache';

type MappedApplication = Extract<ApplicationMapping, { kind: 'mapped' }>;
/** A git commit id (SHA-1 or SHA-256), as opposed to a chart version or tag. */
const COMMIT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;
type ListOutcome =
  | { ok: true; applications: ApplicationIndex; resourceVersion?: string }
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
 * environment from the configured Argo CD instances, with one application
 * list call per instance shared by all cells, kept current through the
 * instance's watch stream (or, with `watch: false` and while the stream is
 * down, cached briefly and listed again), and tracks promotions until Argo
 * CD runs them. Never syncs: auto-sync stays the source of truth; it only
 * asks for a refresh.
 */
export class ArgoCdClient {
  private readonly apis = new Map<string, ArgoCdInstanceApi>();
  private readonly listQueries = new Map<string, ApplicationListQuery>();
  private readonly watches = new Map<string, ApplicationWatch>();
  private readonly lists: CoalescingTtlCache<ListOutcome>;
  private readonly notifier: StatusChangeNotifier;
  private readonly now: () => Date;
  private readonly mappings = new LRUCache<string, ApplicationMapping>({
    max: 100_000,
  });
  private readonly knownStatuses = new WeakMap<
    ParsedApplication,
    { refKey: string; status: GitopsKnownArgoCdStatus }
  >();
  private closing?: Promise<void>;

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
      if (instance.watch) {
        this.watches.set(instance.name, this.createWatch(instance));
      }
    }
    this.lists = new CoalescingTtlCache(
      name =>
        options.config.instances.find(i => i.name === name)?.cacheTtlMs ?? 0,
      () => this.now().getTime(),
    );
    this.notifier = new StatusChangeNotifier(options.logger);
  }

  /**
   * Calls `listener` with the names of an instance's applications whose
   * status changed: what {@link ArgoCdClient.getStatuses} returns for them,
   * apart from `reconciledAt`, or whether they exist. Changes are collected
   * for 100 ms and reported once per instance. They come from the watch
   * stream of instances in use (read at least once), and after the stream
   * reconnected, for what changed while it was down; instances with
   * `watch: false` report nothing.
   *
   * @returns a function removing the listener
   */
  onStatusChange(listener: ArgoCdStatusChangeListener): () => void {
    return this.notifier.subscribe(listener);
  }

  /**
   * The status of each target, in order. Costs nothing for an instance
   * whose watch stream is up; otherwise at most one list call per instance
   * involved, none while the instance's list is cached. The first read of
   * an instance opens its stream and waits for it (see ApplicationWatch).
   * An instance that is down or refuses access only makes its own cells
   * unknown.
   */
  async getStatuses(targets: ArgoCdTarget[]): Promise<GitopsArgoCdStatus[]> {
    const mappings = targets.map(t => this.mappingOf(t));
    const instances = new Set(
      mappings.flatMap(m => (m.kind === 'mapped' ? [m.instance] : [])),
    );
    const outcomes = new Map(
      await Promise.all(
        [...instances].map(
          async name => [name, await this.applicationsOf(name)] as const,
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
      return this.statusOf(found.application, toRef(mapping, found.name));
    });
  }

  /**
   * The target's mapping, resolved once per service, environment and
   * annotations (the matrix asks for 10,000 cells on every refresh).
   */
  private mappingOf(target: ArgoCdTarget): ApplicationMapping {
    const annotations = target.annotations ?? {};
    const key = [
      target.service,
      target.environment,
      annotations[GITOPS_PROMOTION_ARGOCD_APP_ANNOTATION],
      annotations[GITOPS_PROMOTION_ARGOCD_INSTANCE_ANNOTATION],
      annotations[GITOPS_PROMOTION_ARGOCD_SELECTOR_ANNOTATION],
    ].join('\0');
    let mapping = this.mappings.get(key);
    if (!mapping) {
      mapping = resolveApplicationMapping(target, this.options.config);
      this.mappings.set(key, mapping);
    }
    return mapping;
  }

  /**
   * The status of an application as last read: computed once per version of
   * it (the index replaces an application's object when it changes).
   */
  private statusOf(
    application: ParsedApplication,
    ref: ArgoCdApplicationRef,
  ): GitopsKnownArgoCdStatus {
    const refKey = [ref.instance, ref.name, ref.namespace, ref.project].join(
      '\0',
    );
    const known = this.knownStatuses.get(application);
    if (known?.refKey === refKey) return known.status;
    const status = toArgoCdStatus(application, ref);
    this.knownStatuses.set(application, { refKey, status });
    return status;
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

  /** Ends the watch streams and closes every instance's connections; later calls wait for the first. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.watches.values()].map(watch => watch.stop()));
      this.notifier.close();
      await Promise.all([...this.apis.values()].map(api => api.close()));
    })();
    return this.closing;
  }

  private createWatch(instance: ArgoCdInstanceConfig): ApplicationWatch {
    const api = this.apis.get(instance.name)!;
    const query = this.listQueries.get(instance.name)!;
    return new ApplicationWatch({
      instance: instance.name,
      open: (resourceVersion, signal) =>
        api.watchApplications(query, { resourceVersion, signal }),
      list: () => this.listApplicationsNow(instance.name),
      changed: names => this.notifier.add(instance.name, names),
      logger: this.options.logger,
    });
  }

  /** The instance's applications: the watch's, while its stream is up, else the cached list. */
  private async applicationsOf(instance: string): Promise<ListOutcome> {
    const watched = await this.watches.get(instance)?.current();
    return watched
      ? { ok: true, applications: watched }
      : this.listApplications(instance);
  }

  /**
   * A list made now, for the watch to continue from; callers of the cached
   * list share it, and it is cached for them.
   */
  private async listApplicationsNow(
    instance: string,
  ): Promise<ApplicationListSnapshot> {
    this.lists.invalidate(instance);
    const outcome = await this.listApplications(instance);
    if (!outcome.ok) throw outcome.error;
    return {
      applications: outcome.applications.all(),
      resourceVersion: outcome.resourceVersion,
    };
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
          resourceVersion: parseListResourceVersion(list),
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
    const outcome = await this.applicationsOf(mapping.instance);
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
