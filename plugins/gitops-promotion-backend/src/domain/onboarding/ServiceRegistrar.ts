import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import {
  getYamlValue,
  isYamlEditError,
  setYamlValue,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  GITOPS_PROMOTION_LAYOUT_ANNOTATION,
  GITOPS_PROMOTION_SERVICE_ANNOTATION,
  gitopsPromotionEnvironmentPromotePermission,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import {
  FileTemplateValues,
  inspectRenderedFiles,
  PROBE_VERSION,
  renderFileTemplate,
} from '../../config/fileTemplates';
import { GitopsPromotionConfig, LayoutConfig } from '../../config/types';
import {
  resolveServiceLocation,
  ServiceLocation,
} from '../locations/resolveServiceLocation';
import { validateVersion, versionKindOfKey } from '../policy';
import { checkImmutableVersion } from '../policy/rules/checkImmutableVersion';
import { GitopsRepository } from '../../clients/repository/GitopsRepository';
import { requesterIdentity } from '../promotions/requesterIdentity';
import { EnvironmentAccess } from '../permissions/EnvironmentAccess';
import { fileDiff } from '../writing/fileDiff';
import { GitopsWriter, otherBranch } from '../writing/GitopsWriter';
import {
  RegisteredFile,
  ServiceRegistrationRequest,
  ServiceRegistrationResult,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';

/** A new service's name: a DNS label (RFC 1123), usable in Kubernetes and Argo CD names. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** An OCI repository without tag or digest: `[host[:port]/]path`, lowercase path components. */
const IMAGE_REPOSITORY =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?\/)?[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const IMAGE_REPOSITORY_MAX = 255;

/**
 * Registers a new service in the GitOps repository: renders the layout's file
 * templates for every target environment and writes them as one commit (or one
 * pull request when an environment's policy asks for one). Idempotent: files
 * already there as rendered change nothing; any other existing file of the
 * service is reported and nothing is written. The client names a service, a
 * configured layout and configured environments; paths come from configuration.
 */
export class ServiceRegistrar {
  constructor(
    private readonly deps: {
      config: GitopsPromotionConfig;
      repositories: (id: string) => GitopsRepository;
      writer: GitopsWriter;
      access: EnvironmentAccess;
      catalogService: CatalogService;
      auth: AuthService;
    },
  ) {}

  async register(
    request: ServiceRegistrationRequest,
    credentials: BackstageCredentials,
  ): Promise<ServiceRegistrationResult> {
    const { config } = this.deps;
    const service = assertNewServiceName(request.service);
    const layout = this.layoutOf(request.layout);
    const environments = this.environmentsOf(request.environments);
    const imageRepository = assertImageRepository(request.imageRepository);
    const locations = environments.map(environment =>
      resolveServiceLocation(config, {
        service,
        layout: layout.id,
        environment,
      }),
    );
    const [first] = locations;
    const mixed = otherBranch(locations, location => location);
    if (mixed) {
      const { other: elsewhere } = mixed;
      throw new InputError(
        `A registration writes one commit, but ${elsewhere.environment.name} lives in ${elsewhere.repository.id}@${elsewhere.branch} and ${first.environment.name} in ${first.repository.id}@${first.branch}; register the environments of each repository branch separately`,
      );
    }
    const rendered = locations.flatMap(location =>
      render(location, { service, imageRepository, version: request.version }),
    );
    const sharedKeys = locations.flatMap(location =>
      sharedEntries(location, request.version),
    );
    await this.authorize(service, environments, credentials);

    const repository = this.deps.repositories(first.repository.id);
    const snapshot = await repository.snapshot(first.branch, {
      fresh: !request.dryRun,
    });
    const files: RegisteredFile[] = [];
    const existing: string[] = [];
    for (const file of rendered) {
      const current = await repository.readFile(snapshot, file.path);
      if (current !== undefined) {
        existing.push(
          `${file.path} (${
            current === file.content ? 'as it would be written' : 'different'
          })`,
        );
      }
      files.push({
        environment: file.environment,
        path: file.path,
        content: file.content,
        diff:
          current === file.content
            ? ''
            : fileDiff(file.path, undefined, file.content),
      });
    }

    // Files shared by services (a Kustomize overlay): the service's keys are
    // inserted into them, several environments' edits to one file chained.
    const shared = new Map<
      string,
      { environments: string[]; before: string; text: string }
    >();
    let sharedAsWritten = 0;
    for (const { environment, path, key } of sharedKeys) {
      let entry = shared.get(path);
      if (!entry) {
        const current = await repository.readFile(snapshot, path);
        if (current === undefined) {
          throw new InputError(
            `${path}, shared by the services of ${environment}, does not exist on ${first.branch}; create it first`,
          );
        }
        entry = { environments: [], before: current, text: current };
        shared.set(path, entry);
      }
      if (!entry.environments.includes(environment)) {
        entry.environments.push(environment);
      }
      const value = getYamlValue(entry.text, key);
      if (value === request.version) {
        sharedAsWritten++;
        existing.push(`${path} ${key} (as it would be written)`);
      } else if (value !== undefined) {
        existing.push(`${path} ${key} (${value})`);
      } else {
        entry.text = addKey(entry.text, path, key, request.version);
      }
    }
    for (const [path, entry] of shared) {
      files.push({
        environment: entry.environments.join(', '),
        path,
        content: entry.text,
        diff:
          entry.text === entry.before
            ? ''
            : fileDiff(path, entry.before, entry.text),
      });
    }

    const mode = locations.some(
      l => l.environment.policy.mode === 'pull-request',
    )
      ? 'pull-request'
      : 'commit';
    const result: ServiceRegistrationResult = {
      service,
      layout: layout.id,
      environments,
      version: request.version,
      created: false,
      dryRun: Boolean(request.dryRun),
      mode,
      repository: first.repository.id,
      branch: first.branch,
      baseCommit: snapshot.commitSha,
      message: '',
      files,
      annotations: {
        [GITOPS_PROMOTION_SERVICE_ANNOTATION]: service,
        [GITOPS_PROMOTION_LAYOUT_ANNOTATION]: layout.id,
      },
    };
    const at = `${first.repository.id}@${
      first.branch
    } (${snapshot.commitSha.slice(0, 12)})`;
    if (
      existing.length === rendered.length + sharedAsWritten &&
      files.every(f => !f.diff)
    ) {
      return {
        ...result,
        message: `${service} is already registered in ${environments.join(
          ', ',
        )} of ${at}; nothing to change`,
      };
    }
    // A directory of this service only (`charts/{service}/...`) holding other
    // files means the service partly exists (or the name is taken by
    // something else, like a shared chart): report it too.
    const renderedPaths = new Set(rendered.map(f => f.path));
    for (const directory of serviceDirectories(locations)) {
      const others = [...snapshot.files.keys()].filter(
        p => p.startsWith(`${directory}/`) && !renderedPaths.has(p),
      );
      if (others.length) {
        existing.push(
          `${directory}/ (${others.length} other file(s): ${others
            .slice(0, 3)
            .join(', ')}${others.length > 3 ? ', …' : ''})`,
        );
      }
    }
    if (existing.length) {
      throw new ConflictError(
        `${service} already has files in ${at}; nothing was written. Existing: ${existing.join(
          ', ',
        )}. Finish or remove them in the GitOps repository, or register other environments`,
      );
    }
    const subject = `Register ${service} ${
      request.version
    } in ${environments.join(', ')}`;
    if (request.dryRun) {
      return {
        ...result,
        message: `Would ${
          mode === 'commit' ? 'commit' : 'open a pull request with'
        } ${describeFiles(files.length, shared.size)} on ${at}: ${subject}`,
      };
    }

    const written = await this.deps.writer.write({
      target: first,
      mode,
      baseCommit: snapshot.commitSha,
      changes: files
        .filter(f => f.diff)
        .map(f => ({ path: f.path, content: f.content })),
      subject,
      summary: files.map(f =>
        shared.has(f.path)
          ? `${f.path} (${service} added, ${f.environment})`
          : `${f.path} (new, ${f.environment})`,
      ),
      diff: files.map(f => f.diff).join(''),
      requester: await requesterIdentity(credentials, this.deps),
      pullRequestBranch: `gitops-promotion/register-${service}`,
    });
    if (written.mode === 'pull-request') {
      const { pullRequest, reused } = written;
      return {
        ...result,
        created: !reused,
        pullRequest,
        message: reused
          ? `A pull request registering ${service} is already open: ${pullRequest.url}`
          : `Opened pull request #${pullRequest.number} registering ${service}: ${pullRequest.url}`,
      };
    }
    return {
      ...result,
      created: true,
      commit: { sha: written.commitSha, url: written.commitUrl },
      message: `Registered ${service} ${request.version} in ${environments.join(
        ', ',
      )} with commit ${written.commitSha.slice(0, 12)} on ${
        first.repository.id
      }@${first.branch}`,
    };
  }

  private layoutOf(id: string | undefined): LayoutConfig {
    const { config } = this.deps;
    const layoutId = id ?? config.defaultLayout;
    const layout = config.layouts.find(l => l.id === layoutId);
    if (!layout) {
      throw new InputError(
        `Unknown layout '${layoutId}'; configured: ${config.layouts
          .map(l => l.id)
          .join(', ')}`,
      );
    }
    if (!isRegistrable(layout)) {
      const shared = layout.files.find(
        f => isShared(f) && !f.createMissingKeys,
      );
      throw new InputError(
        shared
          ? `Layout '${layout.id}' cannot register new services: its file ${
              shared.path
            } is shared by services, so add the service to it by hand. Layouts that can: ${registrableLayouts(
              config,
            )} (or set createMissingKeys on the shared file, and the service is added to it)`
          : `Layout '${
              layout.id
            }' cannot register new services: its files have no template (gitopsPromotion.layouts[].files[].template). Layouts that can: ${registrableLayouts(
              config,
            )}`,
      );
    }
    return layout;
  }

  private environmentsOf(requested: string[] | undefined): string[] {
    const configured = this.deps.config.environments.map(e => e.name);
    if (!requested) return configured;
    if (requested.length === 0) {
      throw new InputError('Name at least one environment, or none for all');
    }
    const unknown = requested.filter(e => !configured.includes(e));
    if (unknown.length) {
      throw new InputError(
        `Unknown environment${unknown.length > 1 ? 's' : ''} ${unknown
          .map(e => `'${e}'`)
          .join(', ')}; configured: ${configured.join(', ')}`,
      );
    }
    return configured.filter(e => requested.includes(e));
  }

  /** The promote permission for every target environment, as a promotion into it needs. */
  private async authorize(
    service: string,
    environments: string[],
    credentials: BackstageCredentials,
  ) {
    const permissions = await this.deps.access.permissionsIn(
      environments,
      credentials,
    );
    const denied = environments.filter(e => !permissions.get(e)!.promote);
    if (denied.length) {
      throw new NotAllowedError(
        `You may not register ${service} in ${denied.join(
          ', ',
        )}: it needs the permission ${
          gitopsPromotionEnvironmentPromotePermission.name
        } for each environment. Ask an administrator to grant it, or register the other environments`,
      );
    }
  }
}

/** A new service's name: stricter than the annotation, a DNS label. */
export function assertNewServiceName(name: string): string {
  if (!DNS_LABEL.test(name)) {
    throw new InputError(
      `Invalid service name '${name.slice(
        0,
        80,
      )}': a new service's name must be a DNS label: 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit`,
    );
  }
  return name;
}

function assertImageRepository(value: string): string {
  if (value.length > IMAGE_REPOSITORY_MAX || !IMAGE_REPOSITORY.test(value)) {
    throw new InputError(
      `Invalid image repository '${value.slice(
        0,
        80,
      )}': use a repository without tag or digest, like ghcr.io/acme/billing`,
    );
  }
  return value;
}

/**
 * The layout's files of one environment rendered from their templates, with
 * the version checked first (its syntax for the keys it fills, immutability
 * in protected environments) and every key read back from the result.
 */
function render(
  location: ServiceLocation,
  values: Omit<FileTemplateValues, 'env'>,
): Array<{ environment: string; path: string; content: string }> {
  const env = location.environment.name;
  const renderAll = (version: string) =>
    location.layout.files.flatMap((file, i) =>
      file.template === undefined
        ? []
        : [
            {
              path: location.files[i].path,
              keys: location.files[i].keys,
              content: renderFileTemplate(file.template, {
                ...values,
                env,
                version,
              }),
            },
          ],
    );
  // Rendering with a probe version tells which keys the templates fill from
  // ${{ version }}: only those must (and may) hold the requested version.
  const versionKeys = inspectRenderedFiles(
    renderAll(PROBE_VERSION),
    PROBE_VERSION,
  ).versionKeys;
  for (const { key } of versionKeys) {
    validateVersion(values.version, { kind: versionKindOfKey(key), key });
  }
  const immutable = checkImmutableVersion({
    target: env,
    versions: versionKeys.map(({ key }) => ({ key, version: values.version })),
    targetPolicy: location.environment.policy,
  });
  if (!immutable.passed) {
    throw new InputError(`Registration refused. ${immutable.message}`);
  }
  const files = renderAll(values.version);
  const inspection = inspectRenderedFiles(files, values.version);
  const missing = versionKeys.filter(
    k =>
      !inspection.versionKeys.some(v => v.path === k.path && v.key === k.key),
  );
  if (inspection.problems.length || missing.length) {
    throw new InputError(
      `Cannot render ${values.service} for ${env}: ${[
        ...inspection.problems.map(p => p.message),
        ...missing.map(
          k => `${k.key} in ${k.path} does not read back as the version`,
        ),
      ].join('; ')}`,
    );
  }
  return files.map(f => ({
    environment: env,
    path: f.path,
    content: f.content,
  }));
}

/**
 * The directories holding only this service's files: a path template's
 * directories up to the segment that is exactly `{service}`
 * (`charts/{service}/values-{env}.yaml` → `charts/billing`).
 */
function serviceDirectories(locations: ServiceLocation[]): string[] {
  const directories = new Set<string>();
  for (const location of locations) {
    location.layout.files.forEach((file, i) => {
      const at = file.path.split('/').indexOf('{service}');
      const segments = location.files[i].path.split('/');
      if (at >= 0 && at < segments.length - 1) {
        directories.add(segments.slice(0, at + 1).join('/'));
      }
    });
  }
  return [...directories];
}

function registrableLayouts(config: GitopsPromotionConfig) {
  return (
    config.layouts
      .filter(isRegistrable)
      .map(l => l.id)
      .join(', ') || 'none'
  );
}

/** A file of the layout that several services share (no {service} in its path). */
function isShared(file: LayoutConfig['files'][number]): boolean {
  return !file.path.includes('{service}');
}

/**
 * A layout can register new services when each file has a template or is
 * shared by services and takes new keys (createMissingKeys).
 */
function isRegistrable(layout: LayoutConfig): boolean {
  return layout.files.every(
    f => f.template !== undefined || (isShared(f) && f.createMissingKeys),
  );
}

/**
 * The keys a new service gets in the shared files of one environment, each
 * to hold the version: checked like a promotion's (syntax, immutability).
 */
function sharedEntries(location: ServiceLocation, version: string) {
  const env = location.environment.name;
  const entries = location.layout.files.flatMap((file, i) =>
    file.template === undefined && isShared(file)
      ? location.files[i].keys.map(key => ({
          environment: env,
          path: location.files[i].path,
          key,
        }))
      : [],
  );
  for (const { key } of entries) {
    validateVersion(version, { kind: versionKindOfKey(key), key });
  }
  const immutable = checkImmutableVersion({
    target: env,
    versions: entries.map(({ key }) => ({ key, version })),
    targetPolicy: location.environment.policy,
  });
  if (!immutable.passed) {
    throw new InputError(`Registration refused. ${immutable.message}`);
  }
  return entries;
}

/** The file with `key` inserted, or an InputError saying why it cannot be. */
function addKey(text: string, path: string, key: string, version: string) {
  try {
    return setYamlValue(text, key, version, { createMissing: true });
  } catch (error) {
    if (isYamlEditError(error)) {
      throw new InputError(`Cannot add ${key} to ${path}: ${error.message}`);
    }
    throw error;
  }
}

function describeFiles(count: number, shared: number): string {
  return shared === 0
    ? `${count} new file(s)`
    : `${count - shared} new file(s) and ${shared} shared file(s)`;
}
