import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  ResponseError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ServiceRegistrationRequest,
  ServiceRegistrationResult,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { examples } from './registerService.examples';

const PLUGIN_ID = 'gitops-promotion';

/**
 * Creates the `gitops-promotion:register-service` action: registers a new
 * service in the GitOps repository through the gitops-promotion backend
 * (`POST /api/gitops-promotion/services`), on behalf of the user who runs the
 * template, so the backend's permission checks and audit apply to them.
 *
 * @public
 */
export function createRegisterServiceAction(options: {
  discovery: DiscoveryService;
  auth: AuthService;
}) {
  const { discovery, auth } = options;
  return createTemplateAction({
    id: 'gitops-promotion:register-service',
    description:
      "Registers a new service in the GitOps repository: writes its files for every configured environment (or the chosen ones) from the layout's templates in one commit or pull request. Idempotent; a service that partly exists is reported, not overwritten. Supports dry runs (logs the diff).",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        service: z =>
          z
            .string()
            .describe(
              "The service's name in the GitOps repository: a DNS label (lowercase letters, digits and '-')",
            ),
        imageRepository: z =>
          z
            .string()
            .describe(
              'The image repository, without tag or digest, e.g. ghcr.io/acme/billing',
            ),
        version: z =>
          z
            .string()
            .describe('The first version (image tag) in every environment'),
        layout: z =>
          z
            .string()
            .optional()
            .describe(
              'A layout configured under gitopsPromotion.layouts with file templates; default: gitopsPromotion.defaultLayout',
            ),
        environments: z =>
          z
            .array(z.string())
            .optional()
            .describe('Environments to register; default: all configured'),
      },
      output: {
        created: z =>
          z
            .boolean()
            .describe(
              'Whether this run wrote the files (false: already registered, or a dry run)',
            ),
        message: z => z.string().describe('What happened, in one sentence'),
        commitSha: z => z.string().optional(),
        commitUrl: z =>
          z
            .string()
            .optional()
            .describe('The commit on the Git host, when it has a web page'),
        pullRequestUrl: z => z.string().optional(),
        layout: z => z.string(),
        environments: z => z.array(z.string()),
        annotations: z =>
          z
            .record(z.string())
            .describe(
              "The annotations the service's catalog entity needs (gitops-promotion/service and gitops-promotion/layout)",
            ),
      },
    },
    async handler(ctx) {
      const { input, logger } = ctx;
      const dryRun = Boolean(ctx.isDryRun);
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: await ctx.getInitiatorCredentials(),
        targetPluginId: PLUGIN_ID,
      });
      const baseUrl = await discovery.getBaseUrl(PLUGIN_ID);
      const response = await fetch(`${baseUrl}/services`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({
          service: input.service,
          imageRepository: input.imageRepository,
          version: input.version,
          layout: input.layout || undefined,
          environments: input.environments?.length
            ? input.environments
            : undefined,
          dryRun,
        } satisfies ServiceRegistrationRequest),
        signal: ctx.signal,
      });
      if (!response.ok) {
        throw await toActionError(response, input.service);
      }
      const result = (await response.json()) as ServiceRegistrationResult;

      logger.info(result.message);
      for (const file of result.files) {
        if (dryRun && file.diff) {
          logger.info(`${file.path} (${file.environment}):\n${file.diff}`);
        } else {
          logger.info(
            `${file.path} (${file.environment}): ${
              file.diff ? 'new' : 'already there'
            }`,
          );
        }
      }
      ctx.output('created', result.created);
      ctx.output('message', result.message);
      if (result.commit) {
        ctx.output('commitSha', result.commit.sha);
        if (result.commit.url) ctx.output('commitUrl', result.commit.url);
      }
      if (result.pullRequest) {
        ctx.output('pullRequestUrl', result.pullRequest.url);
      }
      ctx.output('layout', result.layout);
      ctx.output('environments', result.environments);
      ctx.output('annotations', result.annotations);
    },
  });
}

/** The backend's refusal as an error whose message says what to do. */
async function toActionError(
  response: Response,
  service: string,
): Promise<Error> {
  const error = await ResponseError.fromResponse(response);
  const reason = error.body?.error?.message ?? error.message;
  switch (response.status) {
    case 400:
      return new InputError(`Cannot register ${service}: ${reason}`);
    case 401:
      return new NotAllowedError(
        `GitOps Promotion did not accept the credentials of the user running this template: ${reason}`,
      );
    case 403:
      return new NotAllowedError(`Not allowed: ${reason}`);
    case 409:
      return new ConflictError(`Cannot register ${service}: ${reason}`);
    default:
      return new ServiceUnavailableError(
        `GitOps Promotion could not register ${service} (HTTP ${response.status}): ${reason}`,
      );
  }
}
