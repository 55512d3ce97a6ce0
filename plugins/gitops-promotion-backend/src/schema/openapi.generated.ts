// Generated from plugins/gitops-promotion-backend/src/schema/openapi.yaml
// by `yarn generate:openapi`. Do not edit: change the spec and run it again.

import {
  createValidatedOpenApiRouterFromGeneratedEndpointMap,
  TypedRouter,
} from '@backstage/backend-openapi-utils';
import type { OpenApiOperations as operations } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import type { RequestHandler } from 'express';

/** The REST API's contract, as the router validates requests with it. */
export const spec = {
  openapi: '3.1.0',
  info: {
    title: 'gitops-promotion',
    version: '1',
    description:
      "The GitOps Promotion REST API, mounted at `/api/gitops-promotion`: every\nservice's version per environment from the GitOps repository and Argo CD,\npreviews of promotions with every rule's verdict, and promotions written\nas one commit or pull request and recorded in the plugin's ledger.\n\nEvery route needs Backstage credentials (`Authorization: Bearer <token>`):\na user's, or a service principal's (for example a CI token from\n`backend.auth.externalAccess`) where the operation says so. Without them\nthe answer is 401. Every error is Backstage's error body (`Error`).\n\nPermissions: `gitops-promotion.environment.read` (see an environment),\n`gitops-promotion.environment.promote` (write into it),\n`gitops-promotion.freeze.override` (promote during a freeze window),\n`gitops-promotion.promotion.approve` (decide on a promotion awaiting\napproval, besides membership of `approvals.from`) and\n`gitops-promotion.auto-promotion.pause` (pause and resume automatic\npromotion), each decided per environment name.\n\nRequest bodies are at most 64 KB (else 413) and refuse unknown fields.\nQuery parameters not named here are ignored; entity refs in the query\nmay carry `:` and `/` unencoded (`allowReserved`), as in the catalog's API.\n",
  },
  servers: [{ url: '/' }],
  security: [{ backstageToken: [] }],
  tags: [
    { name: 'environments', description: 'What runs where.' },
    {
      name: 'promotions',
      description: 'Previews, promotions, rollbacks and release trains.',
    },
    { name: 'ci', description: 'The entry point of CI builds.' },
    { name: 'services', description: 'Onboarding of new services.' },
    { name: 'delivery', description: 'Delivery figures from the ledger.' },
  ],
  paths: {
    '/environments': {
      get: {
        operationId: 'getEnvironments',
        tags: ['environments'],
        summary: 'Every environment of one service.',
        description:
          "Users and service principals. Every environment the caller may read\n(`gitops-promotion.environment.read`), in pipeline order, with the\ngit version and values, Argo CD's status, drift, lag behind the\nupstream, active freeze windows, open pull requests, promotions in\nflight and, per downstream target, whether the caller may promote\n(`gitops-promotion.environment.promote`) and the refusal reasons.\nEnvironments the caller may not read are left out.\n",
        parameters: [{ $ref: '#/components/parameters/entityRefQuery' }],
        responses: {
          '200': {
            description: "The service's environments.",
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/EnvironmentsResponse' },
              },
            },
          },
          '400': { $ref: '#/components/responses/BadRequest' },
          '401': { $ref: '#/components/responses/Unauthorized' },
          '404': { $ref: '#/components/responses/NotFound' },
          '503': { $ref: '#/components/responses/ServiceUnavailable' },
        },
      },
    },
    '/environments/history': {
      get: {
        operationId: 'getEnvironmentHistory',
        tags: ['environments'],
        summary: "The git history of a service's version in one environment.",
        description:
          'Users and service principals who may read the environment\n(`gitops-promotion.environment.read`; else 403). The git log of the\nfile holding the version, newest first: commit, author, date,\nmessage, the version before and after, and the whole bundle after\nthe commit (`versions`, what a rollback to it sends).\n',
        parameters: [
          { $ref: '#/components/parameters/entityRefQuery' },
          {
            name: 'environment',
            in: 'query',
            allowReserved: true,
            required: true,
            schema: { $ref: '#/components/schemas/EnvironmentName' },
          },
          {
            name: 'limit',
            in: 'query',
            allowReserved: true,
            description: 'At most this many commits.',
            schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
          },
        ],
        responses: {
          '200': {
            description: 'The history, newest first.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/EnvironmentHistoryResponse',
                },
              },
            },
          },
          '400': { $ref: '#/components/responses/BadRequest' },
          '401': { $ref: '#/components/responses/Unauthorized' },
          '403': { $ref: '#/components/responses/Forbidden' },
          '404': { $ref: '#/components/responses/NotFound' },
          '503': { $ref: '#/components/responses/ServiceUnavailable' },
        },
      },
    },
    '/matrix': {
      get: {
        operationId: 'getMatrix',
        tags: ['environments'],
        summary: 'Many services in every environment at once.',
        description:
          'Users and service principals. The services the catalog shows the\ncaller (each filter repeatable; with `entityRef`, those entities),\nin every environment the caller may read\n(`gitops-promotion.environment.read`): per cell the version, values,\nArgo CD status, drift, whether it is behind its upstream (with the\nlag), open pull requests and promotions in flight. Answered from a\nsnapshot kept current per repository branch and Argo CD instance;\nwith `If-None-Match`, 304 when nothing the caller sees changed.\n',
        parameters: [
          {
            name: 'owner',
            in: 'query',
            allowReserved: true,
            description:
              'Owners (entity refs, default kind `group`), any of them.',
            style: 'form',
            explode: true,
            schema: { $ref: '#/components/schemas/EntityRefList' },
          },
          {
            name: 'system',
            in: 'query',
            allowReserved: true,
            description:
              'Systems (entity refs, default kind `system`), any of them.',
            style: 'form',
            explode: true,
            schema: { $ref: '#/components/schemas/EntityRefList' },
          },
          {
            name: 'lifecycle',
            in: 'query',
            allowReserved: true,
            description: "The entities' `spec.lifecycle`, any of them.",
            style: 'form',
            explode: true,
            schema: {
              type: 'array',
              maxItems: 500,
              items: { $ref: '#/components/schemas/EnvironmentName' },
            },
          },
          {
            name: 'entityRef',
            in: 'query',
            allowReserved: true,
            description:
              'These entities only (the other filters are still validated).',
            style: 'form',
            explode: true,
            schema: { $ref: '#/components/schemas/EntityRefList' },
          },
          {
            name: 'If-None-Match',
            in: 'header',
            description:
              "The `ETag` of the caller's copy; answered 304 when it is still current.",
            schema: { type: 'string' },
          },
        ],
        responses: {
          '200': {
            description: 'The matrix.',
            headers: {
              ETag: {
                description:
                  'Names this answer; send it back as `If-None-Match`.',
                schema: { type: 'string' },
              },
            },
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/MatrixResponse' },
              },
            },
          },
          '304': {
            description: "The caller's copy (`If-None-Match`) is current.",
          },
          '400': { $ref: '#/components/responses/BadRequest' },
          '401': { $ref: '#/components/responses/Unauthorized' },
          '503': { $ref: '#/components/responses/ServiceUnavailable' },
        },
      },
    },
    '/promotions/preview': {
      post: {
        operationId: 'previewPromotion',
        tags: ['promotions'],
        summary:
          'Preview a promotion (or a rollback) into one or more targets.',
        description:
          "Users and service principals who may read the source and every\ntarget (`gitops-promotion.environment.read`; else 403). Writes\nnothing. Per target: the exact edits, the unified diff, every rule's\nverdict, whether it is allowed, and the pin to confirm it with\n(`versions`, `baseCommit`, `sourceCommit`). Without `source`, it is\nthe preview of a rollback to `versions`.\n",
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { $ref: '#/components/schemas/PromotionPreviewRequest' },
            },
          },
        },
        responses: {
          '200': {
            description: 'The preview of each target, in the order asked.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/PromotionPreviewResponse',
                },
              },
            },
          },
          '400': { $ref: '#/components/responses/BadRequest' },
          '401': { $ref: '#/components/responses/Unauthorized' },
          '403': { $ref: '#/components/responses/Forbidden' },
          '404': { $ref: '#/components/responses/NotFound' },
          '409': { $ref: '#/components/responses/Conflict' },
          '413': { $ref: '#/components/responses/PayloadTooLarge' },
          '503': { $ref: '#/components/responses/ServiceUnavailable' },
        },
      },
    },
    '/promotions/bulk/preview': {
      post: {
        operationId: 'previewBulkPromotion',
        tags: ['promotions'],
        summary: 'Preview a release train.',
        description:
          "Users and service principals who may read the source and the target\n(`gitops-promotion.environment.read`; else 403). Writes nothing.\nEvery service's preview on one snapshot of the target branch (its\n`baseCommit`), or why the service cannot be planned (unknown entity,\nno annotation, not allowed).\n",
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/BulkPromotionPreviewRequest',
              },
            },
          },
        },
        responses: {
          '200': {
            description: "Each service's preview or refusal.",
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/BulkPromotionPreviewResponse',
                },
              },
            },
          },
          '400': { $ref: '#/components/responses/BadRequest' },
          '401': { $ref: '#/components/responses/Unauthorized' },
          '403': { $ref: '#/components/responses/Forbidden' },
          '413': { $ref: '#/components/responses/PayloadTooLarge' },
          '503': { $ref: '#/components/responses/ServiceUnavailable' },
        },
      },
    },
    '/promotions': {
      post: {
        operationId: 'createPromotion',
        tags: ['promotions'],
        summary: 'Promote (or roll back) one service into one environment.',
        description:
          "Users only (a service principal gets 403), with\n`gitops-promotion.environment.promote` on the target (else 403,\nnaming the rule). Writes exactly the pinned preview as one commit or\npull request and records it; every rule is checked again (400, 403\nor 409 naming the rule; 409 when the source or the target's files\nmoved since the preview, or the target already runs the versions).\nWith an `Idempotency-Key` (scoped to the requester) a repeated\nrequest answers the first promotion with 200; the same key with\nanother body is 422. An auditor event `promotion` is emitted.\n",
        parameters: [{ $ref: '#/components/parameters/idempotencyKey' }],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { $ref: '#/components/schemas/PromotionRequest' },
            },
          },
        },
        responses: {
          '200': {
            description:
              'The promotion an earlier request with this idempotency key made.',
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/PromotionRecord' },
              },
            },
          },
          '201': {
            description: 'The promotion this request made.',
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/PromotionRecord' },
              },
            },
          },
          '400': { $ref: '#/components/responses/BadRequest' },
          '401': { $ref: '#/components/responses/Unauthorized' },
          '403': { $ref: '#/components/responses/Forbidden' },
          '404': { $ref: '#/components/responses/NotFound' },
          '409': { $ref: '#/components/responses/Conflict' },
          '413': { $ref: '#/components/responses/PayloadTooLarge' },
          '422': { $ref: '#/components/responses/UnprocessableContent' },
          '503': { $ref: '#/components/responses/ServiceUnavailable' },
        },
      },
      get: {
        operationId: 'listPromotions',
        tags: ['promotions'],
        summary: 'Promotions, newest first.',
        description:
          'Users and service principals. Promotions into environments the\ncaller may read (`gitops-promotion.environment.read`), of entities\nthe catalog shows them, newest first; `before` pages on.\n',
        parameters: [
          {
            name: 'entityRef',
            in: 'query',
            allowReserved: true,
            schema: { $ref: '#/components/schemas/EntityRef' },
          },
          {
            name: 'environment',
            in: 'query',
            allowReserved: true,
            description: 'The target environment.',
            schema: { $ref: '#/components/schemas/EnvironmentName' },
          },
          {
            name: 'limit',
            in: 'query',
            allowReserved: true,
            description: 'At most this many.',
            schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
          },
          {
            name: 'before',
            in: 'query',
            allowReserved: true,
            description: 'The id of the last promotion of the previous page.',
            schema: { $ref: '#/components/schemas/PromotionId' },
          },
        ],
        responses: {
          '200': {
            description: 'The promotions.',
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/PromotionListResponse' },
              },
            },
          },
          '400': { $ref: '#/components/responses/BadRequest' },
          '401': { $ref: '#/components/responses/Unauthorized' },
          '503': { $ref: '#/components/responses/ServiceUnavailable' },
        },
      },
    },
    '/promotions/bulk': {
      post: {
        operationId: 'createBulkPromotion',
        tags: ['promotions'],
        summary: 'Promote a release train.',
        description:
          'Users only (a service principal gets 403), with\n`gitops-promotion.environment.promote` on the target. Every accepted\nservice in one commit or pull request; refused services are listed\nwith their reason, unless `allOrNothing` (then the first refusal is\nthe answer). One moved source refuses the whole train (409); no\nservice promotable is 403 when for want of permission only, else\n409. With an `Idempotency-Key` a repeated request answers the first\ntrain (also with 201); the same key with another body is 422. An\nauditor event `promotion` is emitted.\n',
        parameters: [{ $ref: '#/components/parameters/idempotencyKey' }],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { $ref: '#/components/schemas/BulkPromotionRequest' },
            },
          },
        },
        responses: {
          '201': {
            description:
              'The release train (also when answered for a repeated idempotency key).',
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/BulkPromotionResponse' },
              },
            },
          },
          '400': { $ref: '#/components/responses/BadRequest' },
          '401': { $ref: '#/components/responses/Unauthorized' },
          '403': { $ref: '#/components/responses/Forbidden' },
          '404': { $ref: '#/components/responses/NotFound' },
          '409': { $ref: '#/components/responses/Conflict' },
          '413': { $ref: '#/components/responses/PayloadTooLarge' },
          '422': { $ref: '#/components/responses/UnprocessableContent' },
          '503': { $ref: '#/components/responses/ServiceUnavailable' },
        },
      },
    },
    '/promotions/{id}': {
      get: {
        operationId: 'getPromotion',
        tags: ['promotions'],
        summary: 'One promotion and its state.',
        description:
          'Users and service principals. 404 when there is no such promotion,\nor the caller may not read its environment\n(`gitops-promotion.environment.read`) or its entity.\n',
        parameters: [
          {
            name: 'id',
            in: 'path',
            required: true,
            schema: { $ref: '#/components/schemas/PromotionId' },
          },
        ],
        responses: {
          '200': {
            description: 'The promotion.',
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/PromotionRecord' },
              },
            },
          },
          '400': { $ref: '#/components/responses/BadRequest' },
          '401': { $ref: '#/components/responses/Unauthorized' },
          '404': { $ref: '#/components/responses/NotFound' },
          '503': { $ref: '#/components/responses/ServiceUnavailable' },
        },
      },
    },
    '/promotions/{id}/approvals': {
      post: {
        operationId: 'decidePromotion',
        tags: ['promotions'],
        summary: 'Approve or reject a promotion that awaits approval.',
        description:
          "Users only. The caller must be a member of one of the groups the\ntarget environment's `approvals.from` names (else 403), may not\ndecide their own request (403) and decides once (409). A rejection\nends the promotion (`rejected`, nothing written); the `required`-th\napproval writes it, exactly as requested (the versions and the\ntarget's commit the request was checked on; 409 and `rejected` when\nthe target's files moved since), as a commit or a pull request on\nwhich the approvals are posted as reviews (GitHub). An auditor event\n`promotion-approval` is emitted.\n",
        parameters: [
          {
            name: 'id',
            in: 'path',
            required: true,
            schema: { $ref: '#/components/schemas/PromotionId' },
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { $ref: '#/components/schemas/ApprovalRequest' },
            },
          },
        },
        responses: {
          '200': {
            description: 'The promotion after the decision.',
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/PromotionRecord' },
              },
            },
          },
          '400': { $ref: '#/components/responses/BadRequest' },
          '401': { $ref: '#/components/responses/Unauthorized' },
          '403': { $ref: '#/components/responses/Forbidden' },
          '404': { $ref: '#/components/responses/NotFound' },
          '409': { $ref: '#/components/responses/Conflict' },
          '413': { $ref: '#/components/responses/PayloadTooLarge' },
          '503': { $ref: '#/components/responses/ServiceUnavailable' },
        },
      },
    },
    '/auto-promotion/pauses': {
      get: {
        operationId: 'listAutoPromotionPauses',
        tags: ['promotions'],
        summary: 'Where automatic promotion is paused.',
        description:
          'Users and service principals: the pauses of environments the caller\nmay read.\n',
        responses: {
          '200': {
            description: 'The pauses, newest first.',
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/AutoPromotionPauseList' },
              },
            },
          },
          '400': { $ref: '#/components/responses/BadRequest' },
          '401': { $ref: '#/components/responses/Unauthorized' },
          '503': { $ref: '#/components/responses/ServiceUnavailable' },
        },
      },
      post: {
        operationId: 'pauseAutoPromotion',
        tags: ['promotions'],
        summary:
          'Pause automatic promotion for a service, an environment, or a service in an environment.',
        description:
          'Users only, with `gitops-promotion.auto-promotion.pause` for every\nenvironment the pause covers (for a service: each environment it is\nautomatically promoted into; else 403). Pausing again is 200 with the\nexisting pause. An auditor event `auto-promotion-pause` is emitted.\n',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/AutoPromotionPauseRequest',
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'The pause that was already there.',
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/AutoPromotionPause' },
              },
            },
          },
          '201': {
            description: 'The new pause.',
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/AutoPromotionPause' },
              },
            },
          },
          '400': { $ref: '#/components/responses/BadRequest' },
          '401': { $ref: '#/components/responses/Unauthorized' },
          '403': { $ref: '#/components/responses/Forbidden' },
          '404': { $ref: '#/components/responses/NotFound' },
          '413': { $ref: '#/components/responses/PayloadTooLarge' },
          '503': { $ref: '#/components/responses/ServiceUnavailable' },
        },
      },
      delete: {
        operationId: 'resumeAutoPromotion',
        tags: ['promotions'],
        summary: 'Resume automatic promotion (remove one pause).',
        description:
          'Users only, with `gitops-promotion.auto-promotion.pause` as for\npausing. Answers the pause removed; 404 when there was none. An\nauditor event `auto-promotion-pause` is emitted.\n',
        parameters: [
          {
            name: 'entityRef',
            in: 'query',
            allowReserved: true,
            description:
              "The service of the pause; absent for an environment's pause.",
            schema: { $ref: '#/components/schemas/EntityRef' },
          },
          {
            name: 'environment',
            in: 'query',
            description:
              "The environment of the pause; absent for a service's pause.",
            schema: { $ref: '#/components/schemas/EnvironmentName' },
          },
        ],
        responses: {
          '200': {
            description: 'The pause removed.',
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/AutoPromotionPause' },
              },
            },
          },
          '400': { $ref: '#/components/responses/BadRequest' },
          '401': { $ref: '#/components/responses/Unauthorized' },
          '403': { $ref: '#/components/responses/Forbidden' },
          '404': { $ref: '#/components/responses/NotFound' },
          '503': { $ref: '#/components/responses/ServiceUnavailable' },
        },
      },
    },
    '/ci/versions': {
      post: {
        operationId: 'setCiVersions',
        tags: ['ci'],
        summary: "Set a build's versions in the first environment(s).",
        description:
          'Service principals only (a user gets 403), e.g. a CI token from\n`backend.auth.externalAccess`. Sets the versions in the first\nenvironments (those without `promotesFrom`; another one is 400) with\nthe same rules, ledger and audit as a promotion. 201 when any\nenvironment was written, 200 when every one was answered for a\nrepeated `Idempotency-Key` (the key is per environment: `<key>#<env>`);\nthe same key with another body is 422.\n',
        parameters: [{ $ref: '#/components/parameters/idempotencyKey' }],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { $ref: '#/components/schemas/CiVersionsRequest' },
            },
          },
        },
        responses: {
          '200': {
            description:
              'The promotions earlier requests with this idempotency key made.',
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/CiVersionsResponse' },
              },
            },
          },
          '201': {
            description: 'One promotion per environment.',
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/CiVersionsResponse' },
              },
            },
          },
          '400': { $ref: '#/components/responses/BadRequest' },
          '401': { $ref: '#/components/responses/Unauthorized' },
          '403': { $ref: '#/components/responses/Forbidden' },
          '404': { $ref: '#/components/responses/NotFound' },
          '409': { $ref: '#/components/responses/Conflict' },
          '413': { $ref: '#/components/responses/PayloadTooLarge' },
          '422': { $ref: '#/components/responses/UnprocessableContent' },
          '503': { $ref: '#/components/responses/ServiceUnavailable' },
        },
      },
    },
    '/services': {
      post: {
        operationId: 'registerService',
        tags: ['services'],
        summary: "Register a new service's files in the GitOps repository.",
        description:
          "Users only (a service principal gets 403), with\n`gitops-promotion.environment.promote` on every environment\nregistered (else 403 naming them). Renders the layout's templates\nfor each environment and writes them as one commit (or one pull\nrequest). 201 when this request wrote them; 200 when they are\nalready there as rendered, the pull request is already open, or\n`dryRun`. 409 when some of the service's files exist otherwise.\n`service` must be a DNS label and `imageRepository` an OCI\nrepository without tag (else 400). Writes emit an auditor event\n`service-registration`; nothing goes into the ledger.\n",
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/ServiceRegistrationRequest',
              },
            },
          },
        },
        responses: {
          '200': {
            description:
              'Nothing written (already registered, pull request already open, or a dry run).',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ServiceRegistrationResult',
                },
              },
            },
          },
          '201': {
            description: 'Written in one commit or pull request.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ServiceRegistrationResult',
                },
              },
            },
          },
          '400': { $ref: '#/components/responses/BadRequest' },
          '401': { $ref: '#/components/responses/Unauthorized' },
          '403': { $ref: '#/components/responses/Forbidden' },
          '409': { $ref: '#/components/responses/Conflict' },
          '413': { $ref: '#/components/responses/PayloadTooLarge' },
          '503': { $ref: '#/components/responses/ServiceUnavailable' },
        },
      },
    },
    '/delivery': {
      get: {
        operationId: 'getDeliveryFigures',
        tags: ['delivery'],
        summary:
          "The four DORA delivery figures, from the ledger and the GitOps repository's history.",
        description:
          "Users and service principals. Per service the catalog shows the\ncaller (by `entityRef` or `owner`) and per environment they may read\n(`gitops-promotion.environment.read`), over the last `days`:\n\n- **Deployments** (frequency): promotions that reached `deployed`\n  (by `deployedAt`), plus commits made outside the plugin that\n  changed the service's version (the bundle's first key) in the\n  environment's file (by their author date). A commit is the\n  plugin's when a promotion recorded its SHA, when it carries a\n  `Promotion-Id:` trailer, or when a promotion into the same service\n  and environment set that version while the commit was made (a pull\n  request merged with a merge commit); every other commit counts as a\n  deployment made outside the plugin. Per week and per 7 days.\n- **Lead time** to production: for each deployment into a\n  production environment (the pipeline's last ones; rollbacks and\n  reverts excluded), from the earliest commit of the same versions\n  into another environment (ledger: the whole bundle; git: the\n  version) to the deployment. Median and 90th percentile, hours.\n- **Change failure rate**: failed changes / changes. Changes are the\n  deployments plus promotions that ended `failed` after their commit\n  (by `updatedAt`). A change failed when its promotion ended `failed`\n  after its commit (the rollout or its verification failed), or when\n  the next change into the same service and environment undid it: a\n  rollback (`kind: rollback`; with `rollbackOf`, the promotion it\n  names) or, made outside the plugin, a commit that set the version\n  back to a value the environment had before (a revert).\n- **Time to restore**: from the failure (the failed promotion's\n  `updatedAt`; for a change rolled back or reverted, its deployment)\n  to the next deployment into the same service and environment.\n  Median and 90th percentile, hours; failures no deployment followed\n  yet are `unrestored`.\n\nThe repository's history is read from 30 days before the period on,\nper repository branch in one batch of file histories (at most 1,000\ncommits per file). A branch that cannot be read leaves its outside\nchanges out and says so in `warnings`.\n",
        parameters: [
          {
            name: 'entityRef',
            in: 'query',
            allowReserved: true,
            style: 'form',
            explode: true,
            schema: { $ref: '#/components/schemas/EntityRefList' },
          },
          {
            name: 'owner',
            in: 'query',
            allowReserved: true,
            description: 'Owners (entity refs, default kind `group`).',
            style: 'form',
            explode: true,
            schema: { $ref: '#/components/schemas/EntityRefList' },
          },
          {
            name: 'days',
            in: 'query',
            allowReserved: true,
            description: 'The period, ending now.',
            schema: { type: 'integer', minimum: 1, maximum: 365, default: 30 },
          },
        ],
        responses: {
          '200': {
            description: 'The figures.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/DeliveryFiguresResponse',
                },
              },
            },
          },
          '400': { $ref: '#/components/responses/BadRequest' },
          '401': { $ref: '#/components/responses/Unauthorized' },
          '503': { $ref: '#/components/responses/ServiceUnavailable' },
        },
      },
    },
  },
  components: {
    securitySchemes: {
      backstageToken: {
        type: 'http',
        scheme: 'bearer',
        description: "A Backstage user token, or a service principal's token.",
      },
    },
    parameters: {
      entityRefQuery: {
        name: 'entityRef',
        in: 'query',
        allowReserved: true,
        required: true,
        schema: { $ref: '#/components/schemas/EntityRef' },
      },
      idempotencyKey: {
        name: 'Idempotency-Key',
        in: 'header',
        description:
          'Makes the request idempotent for its requester: the same key with\nthe same body answers the first result; with another body, 422.\n',
        schema: { type: 'string', minLength: 1, maxLength: 255 },
      },
    },
    responses: {
      BadRequest: {
        description:
          'Bad input: the message names the field or the rule (pipeline order,\nimmutable version, rollback history, a pin not on its branch).\n',
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/Error' },
          },
        },
      },
      Unauthorized: {
        description: 'No or invalid Backstage credentials.',
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/Error' },
          },
        },
      },
      Forbidden: {
        description:
          'Not allowed (the wrong kind of principal, or a permission, named).',
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/Error' },
          },
        },
      },
      NotFound: {
        description:
          'An unknown entity or environment, or a promotion the caller may not read.',
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/Error' },
          },
        },
      },
      Conflict: {
        description:
          "The source or the target's files moved since the preview, the\nenvironment already runs the versions, a gate or freeze window\nrefuses for now, or (registration) the service's files exist.\n",
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/Error' },
          },
        },
      },
      PayloadTooLarge: {
        description: 'The body is larger than 64 KB.',
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/Error' },
          },
        },
      },
      UnprocessableContent: {
        description:
          'The `Idempotency-Key` was already used by this requester with another body.',
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/Error' },
          },
        },
      },
      ServiceUnavailable: {
        description:
          "The GitOps repository, GitHub or the ledger's database is unavailable; try again.",
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/Error' },
          },
        },
      },
    },
    schemas: {
      Error: {
        description:
          "Backstage's error body (`ErrorResponseBody` of `@backstage/errors`).",
        type: 'object',
        additionalProperties: false,
        required: ['error', 'response'],
        properties: {
          error: {
            description: 'The serialized error; other fields may be present.',
            type: 'object',
            additionalProperties: true,
            required: ['name', 'message'],
            properties: {
              name: {
                description:
                  'e.g. `InputError`, `NotAllowedError`, `NotFoundError`, `ConflictError`, `IdempotencyKeyReusedError`.',
                type: 'string',
              },
              message: { type: 'string' },
              stack: { type: 'string' },
              code: { type: 'string' },
            },
          },
          request: {
            type: 'object',
            additionalProperties: false,
            required: ['method', 'url'],
            properties: { method: { type: 'string' }, url: { type: 'string' } },
          },
          response: {
            type: 'object',
            additionalProperties: false,
            required: ['statusCode'],
            properties: {
              statusCode: { type: 'integer', minimum: 400, maximum: 599 },
            },
          },
        },
      },
      EntityRef: {
        description:
          "A catalog entity ref, `[kind:][namespace/]name` (default kind\n`component`, or `group`/`system` for owner and system filters;\ndefault namespace `default`), following the catalog's naming rules.\n",
        type: 'string',
        minLength: 1,
        maxLength: 512,
        pattern:
          '^(?:[a-zA-Z][a-z0-9A-Z]{0,62}:)?(?:[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?/)?(?:[A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$',
      },
      EntityRefList: {
        description: 'One entity ref, or the parameter repeated.',
        type: 'array',
        maxItems: 500,
        items: { $ref: '#/components/schemas/EntityRef' },
      },
      EnvironmentName: {
        description: 'A configured environment (or layout) name.',
        type: 'string',
        minLength: 1,
        maxLength: 63,
        pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
      },
      Version: {
        description:
          'A value of the bundle: an OCI tag, a `sha256` digest or a SemVer\nchart version (other values are refused by the rules with 400).\n',
        type: 'string',
        minLength: 1,
        maxLength: 256,
      },
      Versions: {
        description: 'Every value of the bundle, in bundle order.',
        type: 'array',
        minItems: 1,
        maxItems: 20,
        items: { $ref: '#/components/schemas/Version' },
      },
      CommitPin: {
        description:
          'A commit a preview was computed on (a full SHA of its branch, else 400).',
        type: 'string',
        minLength: 1,
        maxLength: 64,
      },
      PromotionId: {
        type: 'string',
        format: 'uuid',
        pattern:
          '^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$',
      },
      PromotionPreviewRequest: {
        description: 'The body of `POST /promotions/preview`.',
        type: 'object',
        additionalProperties: false,
        required: ['entityRef', 'targets'],
        properties: {
          entityRef: { $ref: '#/components/schemas/EntityRef' },
          source: {
            description: 'Absent for the preview of a rollback to `versions`.',
            allOf: [{ $ref: '#/components/schemas/EnvironmentName' }],
          },
          targets: {
            type: 'array',
            minItems: 1,
            maxItems: 20,
            items: { $ref: '#/components/schemas/EnvironmentName' },
          },
          versions: { $ref: '#/components/schemas/Versions' },
        },
      },
      PromotionRequest: {
        description:
          'The body of `POST /promotions`: from `source`, or a rollback to `versions`.',
        oneOf: [
          {
            title: 'Promotion',
            type: 'object',
            additionalProperties: false,
            required: ['entityRef', 'source', 'target'],
            properties: {
              kind: { type: 'string', enum: ['promote'], default: 'promote' },
              entityRef: { $ref: '#/components/schemas/EntityRef' },
              source: { $ref: '#/components/schemas/EnvironmentName' },
              target: { $ref: '#/components/schemas/EnvironmentName' },
              versions: {
                description:
                  'The versions the preview showed: the source must still run\nexactly these, else 409 and nothing is written.\n',
                allOf: [{ $ref: '#/components/schemas/Versions' }],
              },
              baseCommit: {
                description:
                  "The preview's `baseCommit`: the target's files as reviewed.",
                allOf: [{ $ref: '#/components/schemas/CommitPin' }],
              },
              sourceCommit: {
                description:
                  "The preview's `sourceCommit`: the source's files as reviewed.",
                allOf: [{ $ref: '#/components/schemas/CommitPin' }],
              },
            },
          },
          {
            title: 'Rollback',
            type: 'object',
            additionalProperties: false,
            required: ['kind', 'entityRef', 'target', 'versions'],
            properties: {
              kind: { type: 'string', enum: ['rollback'] },
              entityRef: { $ref: '#/components/schemas/EntityRef' },
              target: { $ref: '#/components/schemas/EnvironmentName' },
              versions: {
                description:
                  'Versions the target ran before (its history or the ledger), else 400.',
                allOf: [{ $ref: '#/components/schemas/Versions' }],
              },
              baseCommit: { $ref: '#/components/schemas/CommitPin' },
            },
          },
        ],
      },
      BulkPromotionPreviewRequest: {
        description: 'The body of `POST /promotions/bulk/preview`.',
        type: 'object',
        additionalProperties: false,
        required: ['entityRefs', 'source', 'target'],
        properties: {
          entityRefs: {
            type: 'array',
            minItems: 1,
            maxItems: 200,
            items: { $ref: '#/components/schemas/EntityRef' },
          },
          source: { $ref: '#/components/schemas/EnvironmentName' },
          target: { $ref: '#/components/schemas/EnvironmentName' },
        },
      },
      BulkPromotionRequest: {
        description:
          'The body of `POST /promotions/bulk`: a release train from `source` to `target`.',
        type: 'object',
        additionalProperties: false,
        required: ['entityRefs', 'source', 'target'],
        properties: {
          entityRefs: {
            type: 'array',
            minItems: 1,
            maxItems: 200,
            items: { $ref: '#/components/schemas/EntityRef' },
          },
          source: { $ref: '#/components/schemas/EnvironmentName' },
          target: { $ref: '#/components/schemas/EnvironmentName' },
          allOrNothing: {
            description: 'Refuse the whole train when any service is refused.',
            type: 'boolean',
            default: false,
          },
          baseCommit: {
            description: "The bulk preview's `baseCommit`.",
            allOf: [{ $ref: '#/components/schemas/CommitPin' }],
          },
          pins: {
            description:
              'What the bulk preview showed, exactly one per service of `entityRefs` (else 400).',
            type: 'array',
            minItems: 1,
            maxItems: 200,
            items: { $ref: '#/components/schemas/BulkPromotionPin' },
          },
        },
      },
      BulkPromotionPin: {
        description:
          "The versions a release train's preview showed for one service.",
        type: 'object',
        additionalProperties: false,
        required: ['entityRef', 'versions'],
        properties: {
          entityRef: { $ref: '#/components/schemas/EntityRef' },
          versions: { $ref: '#/components/schemas/Versions' },
          sourceCommit: { $ref: '#/components/schemas/CommitPin' },
        },
      },
      CiVersionsRequest: {
        description: 'The body of `POST /ci/versions`.',
        type: 'object',
        additionalProperties: false,
        required: ['entityRef', 'versions'],
        properties: {
          entityRef: { $ref: '#/components/schemas/EntityRef' },
          versions: { $ref: '#/components/schemas/Versions' },
          environments: {
            description: 'First environments only; default all of them.',
            type: 'array',
            minItems: 1,
            maxItems: 20,
            items: { $ref: '#/components/schemas/EnvironmentName' },
          },
        },
      },
      ApprovalRequest: {
        description: 'The body of `POST /promotions/{id}/approvals`.',
        type: 'object',
        additionalProperties: false,
        required: ['decision'],
        properties: {
          decision: { type: 'string', enum: ['approve', 'reject'] },
          comment: {
            description:
              "Shown with the decision (and in the pull request's review); required to reject.",
            type: 'string',
            maxLength: 2000,
          },
        },
      },
      AutoPromotionPauseRequest: {
        description:
          'The body of `POST /auto-promotion/pauses`: a service (all the\nenvironments it is automatically promoted into), an environment (all\nservices), or both (one service in one environment).\n',
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        properties: {
          entityRef: { $ref: '#/components/schemas/EntityRef' },
          environment: { $ref: '#/components/schemas/EnvironmentName' },
          reason: { type: 'string', maxLength: 500 },
        },
      },
      ServiceRegistrationRequest: {
        description: 'The body of `POST /services`.',
        type: 'object',
        additionalProperties: false,
        required: ['service', 'imageRepository', 'version'],
        properties: {
          service: {
            description: "The new service's name (a DNS label, else 400).",
            type: 'string',
            minLength: 1,
            maxLength: 63,
          },
          layout: {
            description:
              'A configured layout with templates; default `defaultLayout`.',
            allOf: [{ $ref: '#/components/schemas/EnvironmentName' }],
          },
          environments: {
            description: 'Default every configured environment.',
            type: 'array',
            minItems: 1,
            maxItems: 50,
            items: { $ref: '#/components/schemas/EnvironmentName' },
          },
          imageRepository: {
            description: 'An OCI repository without tag or digest (else 400).',
            type: 'string',
            minLength: 1,
            maxLength: 255,
          },
          version: { $ref: '#/components/schemas/Version' },
          dryRun: {
            description: 'Compute and check everything, write nothing.',
            type: 'boolean',
            default: false,
          },
        },
      },
      PromotionMode: {
        description: 'How a promotion is written to the GitOps repository.',
        type: 'string',
        enum: ['commit', 'pull-request'],
      },
      PromotionState: {
        description:
          '`awaiting-approval` (where the target needs approvals) → `pending` →\n`committed` or `pr-open` → `syncing` → `verifying` (where the target\nnames verification checks) → `deployed`; or `failed` / `rejected`\n(final states: `deployed`, `failed`, `rejected`).\n',
        type: 'string',
        enum: [
          'awaiting-approval',
          'pending',
          'committed',
          'pr-open',
          'syncing',
          'verifying',
          'deployed',
          'failed',
          'rejected',
        ],
      },
      PromotionValueChange: {
        description: 'One value a promotion changes.',
        type: 'object',
        additionalProperties: false,
        required: ['path', 'key', 'to'],
        properties: {
          path: { type: 'string' },
          key: { type: 'string' },
          from: {
            description: 'Absent when the key was unset.',
            type: 'string',
          },
          to: { type: 'string' },
        },
      },
      GitopsKeyValue: {
        description:
          "One key of an environment's bundle, or why it could not be read.",
        type: 'object',
        additionalProperties: false,
        required: ['path', 'key'],
        properties: {
          path: { type: 'string' },
          key: { type: 'string' },
          value: { type: 'string' },
          image: {
            description:
              "For an image tag: the full image reference it makes with the keys\nbeside it in the file (Helm's `registry`, `repository` or `image`,\n`digest`; Kustomize's `newName` or the entry's `name`), which drift\ncompares with the images Argo CD runs. Absent when the file does not\nsay which image.\n",
            type: 'string',
          },
          problem: { type: 'string' },
        },
      },
      Drift: {
        description:
          'Git asks for something Argo CD does not run: an image of the bundle\n(by its full reference where the file names the image, else by its\ntag) that is not among the live images, or a chart version other than\nthe one at the commit Argo CD runs (or than its revision, for a chart\npulled from a Helm repository). The first difference.\n',
        type: 'object',
        additionalProperties: false,
        required: ['desired', 'live'],
        properties: {
          desired: {
            description:
              'What git asks for (an image reference, a tag or a chart version).',
            type: 'string',
          },
          live: {
            description:
              'What Argo CD runs (its images, or the chart version).',
            type: 'array',
            items: { type: 'string' },
          },
        },
      },
      GitopsArgoCdUnknownReason: {
        description: 'Why an environment has no Argo CD status.',
        type: 'string',
        enum: [
          'application-missing',
          'instance-unreachable',
          'access-denied',
          'not-configured',
        ],
      },
      GitopsKnownArgoCdStatus: {
        description: "Argo CD's view of one environment of a service.",
        type: 'object',
        additionalProperties: false,
        required: [
          'state',
          'syncStatus',
          'revisions',
          'health',
          'images',
          'application',
        ],
        properties: {
          state: { type: 'string', const: 'known' },
          syncStatus: {
            description: '`Synced`, `OutOfSync` or `Unknown`.',
            type: 'string',
          },
          revision: { type: 'string' },
          revisions: { type: 'array', items: { type: 'string' } },
          health: {
            type: 'object',
            additionalProperties: false,
            required: ['status'],
            properties: {
              status: {
                description:
                  '`Healthy`, `Progressing`, `Degraded`, `Suspended`, `Missing` or `Unknown`.',
                type: 'string',
              },
              message: { type: 'string' },
            },
          },
          images: {
            description: 'Images of the live resources.',
            type: 'array',
            items: { type: 'string' },
          },
          operation: {
            type: 'object',
            additionalProperties: false,
            required: ['phase', 'revisions'],
            properties: {
              phase: { type: 'string' },
              message: { type: 'string' },
              revision: { type: 'string' },
              revisions: { type: 'array', items: { type: 'string' } },
              finishedAt: { type: 'string', format: 'date-time' },
            },
          },
          lastDeployedAt: { type: 'string', format: 'date-time' },
          reconciledAt: { type: 'string', format: 'date-time' },
          application: {
            type: 'object',
            additionalProperties: false,
            required: ['instance', 'name'],
            properties: {
              instance: { type: 'string' },
              name: { type: 'string' },
              namespace: { type: 'string' },
              project: { type: 'string' },
            },
          },
        },
      },
      GitopsUnknownArgoCdStatus: {
        description:
          'An environment without Argo CD status; git versions are still known.',
        type: 'object',
        additionalProperties: false,
        required: ['state', 'reason', 'message'],
        properties: {
          state: { type: 'string', const: 'unknown' },
          reason: { $ref: '#/components/schemas/GitopsArgoCdUnknownReason' },
          message: { description: 'Readable explanation.', type: 'string' },
          application: {
            type: 'object',
            additionalProperties: false,
            required: ['instance'],
            properties: {
              instance: { type: 'string' },
              name: { type: 'string' },
              selector: { type: 'string' },
              namespace: { type: 'string' },
              project: { type: 'string' },
            },
          },
        },
      },
      GitopsArgoCdStatus: {
        description: 'The Argo CD status of one environment of a service.',
        oneOf: [
          { $ref: '#/components/schemas/GitopsKnownArgoCdStatus' },
          { $ref: '#/components/schemas/GitopsUnknownArgoCdStatus' },
        ],
      },
      PromotionRecord: {
        description: 'A promotion as the ledger records it.',
        type: 'object',
        additionalProperties: false,
        required: [
          'id',
          'service',
          'targetEnv',
          'kind',
          'versions',
          'requester',
          'mode',
          'repositoryId',
          'branch',
          'state',
          'createdAt',
          'updatedAt',
        ],
        properties: {
          id: { type: 'string', format: 'uuid' },
          entityRef: { type: 'string' },
          service: { type: 'string' },
          sourceEnv: {
            description: 'Absent for CI sets and rollbacks.',
            type: 'string',
          },
          targetEnv: { type: 'string' },
          kind: { type: 'string', enum: ['promote', 'rollback', 'ci', 'bulk'] },
          versions: {
            type: 'array',
            items: { $ref: '#/components/schemas/PromotionValueChange' },
          },
          requester: {
            description: 'Entity ref of the user or service that asked.',
            type: 'string',
          },
          mode: { $ref: '#/components/schemas/PromotionMode' },
          repositoryId: { type: 'string' },
          branch: { type: 'string' },
          baseCommit: { type: 'string' },
          commitSha: { type: 'string' },
          pullRequest: {
            type: 'object',
            additionalProperties: false,
            required: ['url', 'number'],
            properties: {
              url: { type: 'string' },
              number: { type: 'integer' },
            },
          },
          state: { $ref: '#/components/schemas/PromotionState' },
          stateReason: { type: 'string' },
          createdAt: { type: 'string', format: 'date-time' },
          updatedAt: { type: 'string', format: 'date-time' },
          committedAt: { type: 'string', format: 'date-time' },
          deployedAt: { type: 'string', format: 'date-time' },
          trigger: {
            description:
              'Absent when a person or CI asked. `auto-promotion`: the backend\npromoted by itself (an edge with `auto: true`); `auto-rollback`:\nthe backend rolled back a promotion whose rollout or verification\nfailed (`rollbackOf` names it).\n',
            type: 'string',
            enum: ['auto-promotion', 'auto-rollback'],
          },
          rollbackOf: {
            description: 'The failed promotion this automatic rollback undoes.',
            type: 'string',
            format: 'uuid',
          },
          approvals: { $ref: '#/components/schemas/PromotionApprovals' },
          verification: {
            description:
              "The target's verification checks after the rollout, in configured order.",
            type: 'array',
            items: { $ref: '#/components/schemas/VerificationCheckResult' },
          },
        },
      },
      PromotionApprovals: {
        description:
          'What a promotion into an environment with `approvals` waits for, and the decisions so far.',
        type: 'object',
        additionalProperties: false,
        required: ['required', 'from', 'decisions'],
        properties: {
          required: { type: 'integer', minimum: 1 },
          from: {
            description: 'Group entity refs whose members may decide.',
            type: 'array',
            items: { type: 'string' },
          },
          decisions: {
            type: 'array',
            items: { $ref: '#/components/schemas/ApprovalDecision' },
          },
        },
      },
      ApprovalDecision: {
        type: 'object',
        additionalProperties: false,
        required: ['approver', 'decision', 'at'],
        properties: {
          approver: { description: 'User entity ref.', type: 'string' },
          decision: { type: 'string', enum: ['approve', 'reject'] },
          comment: { type: 'string' },
          at: { type: 'string', format: 'date-time' },
        },
      },
      VerificationCheckResult: {
        description: 'One verification check of a promotion.',
        type: 'object',
        additionalProperties: false,
        required: ['name', 'type', 'state'],
        properties: {
          name: { type: 'string' },
          type: { type: 'string', enum: ['argocd-health', 'http', 'webhook'] },
          state: { type: 'string', enum: ['pending', 'passed', 'failed'] },
          message: { type: 'string' },
          at: {
            description: 'When it passed or failed.',
            type: 'string',
            format: 'date-time',
          },
        },
      },
      AutoPromotionPause: {
        description:
          'Automatic promotion paused for a service, an environment, or both.',
        type: 'object',
        additionalProperties: false,
        required: ['pausedBy', 'pausedAt'],
        properties: {
          entityRef: {
            description: 'Absent for a whole environment.',
            type: 'string',
          },
          environment: {
            description: 'Absent for every environment of the service.',
            type: 'string',
          },
          reason: { type: 'string' },
          pausedBy: { type: 'string' },
          pausedAt: { type: 'string', format: 'date-time' },
        },
      },
      AutoPromotionPauseList: {
        description: 'The answer of `GET /auto-promotion/pauses`.',
        type: 'object',
        additionalProperties: false,
        required: ['items'],
        properties: {
          items: {
            type: 'array',
            items: { $ref: '#/components/schemas/AutoPromotionPause' },
          },
        },
      },
      AutoPromotionEdge: {
        description:
          'An upstream this environment is promoted from automatically.',
        type: 'object',
        additionalProperties: false,
        required: ['environment'],
        properties: {
          environment: { type: 'string' },
          after: {
            description:
              'How long (ISO 8601) the upstream must run a version Synced and Healthy first.',
            type: 'string',
          },
        },
      },
      EnvironmentGates: {
        description:
          'What a promotion into the environment goes through besides the rules.',
        type: 'object',
        additionalProperties: false,
        properties: {
          autoPromotesFrom: {
            description:
              'Upstreams whose versions are promoted here automatically.',
            type: 'array',
            items: { $ref: '#/components/schemas/AutoPromotionEdge' },
          },
          autoPromotionPaused: {
            description:
              'Automatic promotion into this environment is paused (for every service).',
            type: 'boolean',
          },
          approvals: {
            type: 'object',
            additionalProperties: false,
            required: ['required', 'from'],
            properties: {
              required: { type: 'integer' },
              from: { type: 'array', items: { type: 'string' } },
            },
          },
          verification: {
            description:
              'Names of the checks a rollout must pass before it counts as deployed.',
            type: 'array',
            items: { type: 'string' },
          },
          rollbackOnFailure: { type: 'boolean' },
        },
      },
      PromotionListResponse: {
        description: 'The answer of `GET /promotions`, newest first.',
        type: 'object',
        additionalProperties: false,
        required: ['items'],
        properties: {
          items: {
            type: 'array',
            items: { $ref: '#/components/schemas/PromotionRecord' },
          },
        },
      },
      CiVersionsResponse: {
        description:
          'The answer of `POST /ci/versions`: one promotion per environment set.',
        type: 'object',
        additionalProperties: false,
        required: ['items'],
        properties: {
          items: {
            type: 'array',
            items: { $ref: '#/components/schemas/PromotionRecord' },
          },
        },
      },
      InFlightPromotion: {
        description:
          'A promotion into an environment that has not reached a final state.',
        type: 'object',
        additionalProperties: false,
        required: ['id', 'state', 'versions', 'createdAt'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          state: { $ref: '#/components/schemas/PromotionState' },
          sourceEnv: { type: 'string' },
          versions: {
            type: 'array',
            items: { $ref: '#/components/schemas/PromotionValueChange' },
          },
          commitSha: { type: 'string' },
          createdAt: { type: 'string', format: 'date-time' },
          requester: { type: 'string' },
          trigger: {
            type: 'string',
            enum: ['auto-promotion', 'auto-rollback'],
          },
          approvals: { $ref: '#/components/schemas/PromotionApprovals' },
          mayDecide: {
            description:
              'The caller may approve or reject it now: it awaits approval, they\nare a member of one of `approvals.from`, did not request it and\nhave not decided yet.\n',
            type: 'boolean',
          },
          verification: {
            type: 'array',
            items: { $ref: '#/components/schemas/VerificationCheckResult' },
          },
        },
      },
      PromotionVerdict: {
        description: 'The outcome of one promotion rule.',
        type: 'object',
        additionalProperties: false,
        required: ['rule', 'passed', 'message'],
        properties: {
          rule: {
            description:
              '`permission`, `rollback-history`, `source-pin`, `pipeline-order`,\n`upstream-gate`, `immutable-version`, `freeze-window`, or a rule\nadded later.\n',
            type: 'string',
          },
          passed: { type: 'boolean' },
          message: { type: 'string' },
          overridden: {
            description:
              'The rule would have refused but the caller holds an override permission.',
            type: 'boolean',
          },
        },
      },
      PromotionTargetPreview: {
        description:
          "The preview of one target: the exact change and every rule's verdict.",
        type: 'object',
        additionalProperties: false,
        required: [
          'environment',
          'mode',
          'baseCommit',
          'versions',
          'edits',
          'diff',
          'allowed',
          'verdicts',
        ],
        properties: {
          environment: { type: 'string' },
          mode: { $ref: '#/components/schemas/PromotionMode' },
          baseCommit: {
            description:
              "The commit of the target's branch the change was computed on; send it back.",
            type: 'string',
          },
          sourceCommit: {
            description:
              "The commit of the source's branch the versions were read at (absent for rollbacks); send it back.",
            type: 'string',
          },
          versions: {
            description:
              'Every value of the bundle this promotion writes, in bundle order; send it back.',
            type: 'array',
            items: { type: 'string' },
          },
          edits: {
            type: 'array',
            items: { $ref: '#/components/schemas/PromotionValueChange' },
          },
          diff: {
            description:
              'Unified diff of every changed file; empty when nothing changes.',
            type: 'string',
          },
          allowed: { type: 'boolean' },
          verdicts: {
            type: 'array',
            items: { $ref: '#/components/schemas/PromotionVerdict' },
          },
        },
      },
      PromotionPreviewResponse: {
        description: 'The answer of `POST /promotions/preview`.',
        type: 'object',
        additionalProperties: false,
        required: ['entityRef', 'service', 'targets'],
        properties: {
          entityRef: { type: 'string' },
          service: { type: 'string' },
          source: { type: 'string' },
          targets: {
            type: 'array',
            items: { $ref: '#/components/schemas/PromotionTargetPreview' },
          },
        },
      },
      BulkPromotionPreviewResponse: {
        description:
          "The answer of `POST /promotions/bulk/preview`: each service's preview, or why it cannot be planned.",
        type: 'object',
        additionalProperties: false,
        required: ['source', 'target', 'services'],
        properties: {
          source: { type: 'string' },
          target: { type: 'string' },
          baseCommit: {
            description:
              'The one commit of the target branch every preview was computed on; absent when no service could be planned.',
            type: 'string',
          },
          services: {
            type: 'array',
            items: {
              oneOf: [
                {
                  title: 'Planned',
                  type: 'object',
                  additionalProperties: false,
                  required: ['entityRef', 'service', 'preview'],
                  properties: {
                    entityRef: { type: 'string' },
                    service: { type: 'string' },
                    preview: {
                      $ref: '#/components/schemas/PromotionTargetPreview',
                    },
                  },
                },
                {
                  title: 'Refused',
                  type: 'object',
                  additionalProperties: false,
                  required: ['entityRef', 'refusal'],
                  properties: {
                    entityRef: { type: 'string' },
                    refusal: { type: 'string' },
                  },
                },
              ],
            },
          },
        },
      },
      BulkPromotionResponse: {
        description:
          'The answer of `POST /promotions/bulk`: one release train.',
        type: 'object',
        additionalProperties: false,
        required: ['bulkId', 'promotions', 'refused'],
        properties: {
          bulkId: { type: 'string', format: 'uuid' },
          promotions: {
            description:
              'One per promoted service; they share one commit or pull request.',
            type: 'array',
            items: { $ref: '#/components/schemas/PromotionRecord' },
          },
          refused: {
            description: 'Services left out, each with why.',
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['entityRef', 'reason'],
              properties: {
                entityRef: { type: 'string' },
                reason: { type: 'string' },
              },
            },
          },
        },
      },
      PromoteOption: {
        description:
          'What the caller may do from an environment: promote into `target`.',
        type: 'object',
        additionalProperties: false,
        required: ['target', 'allowed', 'reasons'],
        properties: {
          target: { type: 'string' },
          allowed: { type: 'boolean' },
          reasons: {
            description: "The failed rules' messages when not allowed.",
            type: 'array',
            items: { type: 'string' },
          },
        },
      },
      EnvironmentLag: {
        description: 'How far an environment is behind its first upstream.',
        type: 'object',
        additionalProperties: false,
        required: ['upstream'],
        properties: {
          upstream: { type: 'string' },
          upstreamVersion: { type: 'string' },
          versionsBehind: {
            description:
              'Versions the upstream went through since this version; absent when unknown.',
            type: 'integer',
            minimum: 0,
          },
          behindSince: {
            description: 'When the upstream first moved past this version.',
            type: 'string',
            format: 'date-time',
          },
        },
      },
      EnvironmentView: {
        description: 'One environment of one service (`GET /environments`).',
        type: 'object',
        additionalProperties: false,
        required: [
          'name',
          'title',
          'promotesFrom',
          'mode',
          'protected',
          'frozen',
          'values',
          'status',
          'openPullRequests',
          'inFlight',
          'promote',
          'mayPromote',
        ],
        properties: {
          name: { type: 'string' },
          title: { type: 'string' },
          promotesFrom: {
            description: 'Direct upstreams.',
            type: 'array',
            items: { type: 'string' },
          },
          mode: { $ref: '#/components/schemas/PromotionMode' },
          protected: { type: 'boolean' },
          frozen: {
            description: 'Names of the freeze windows active now.',
            type: 'array',
            items: { type: 'string' },
          },
          version: { description: "The bundle's first value.", type: 'string' },
          values: {
            type: 'array',
            items: { $ref: '#/components/schemas/GitopsKeyValue' },
          },
          commitSha: {
            description:
              'The commit the values were read at; absent when the repository could not be read (each value then says why).',
            type: 'string',
          },
          status: { $ref: '#/components/schemas/GitopsArgoCdStatus' },
          drift: { $ref: '#/components/schemas/Drift' },
          lastChange: {
            description:
              "The newest commit that changed this environment's version, from\nthe git history of its file (the last 10 commits); absent when\nthey have none.\n",
            allOf: [{ $ref: '#/components/schemas/EnvironmentHistoryEntry' }],
          },
          lag: { $ref: '#/components/schemas/EnvironmentLag' },
          openPullRequests: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['id', 'url', 'number'],
              properties: {
                id: { type: 'string' },
                url: { type: 'string' },
                number: { type: 'integer' },
              },
            },
          },
          inFlight: {
            type: 'array',
            items: { $ref: '#/components/schemas/InFlightPromotion' },
          },
          promote: {
            type: 'array',
            items: { $ref: '#/components/schemas/PromoteOption' },
          },
          gates: { $ref: '#/components/schemas/EnvironmentGates' },
          autoPromotionPaused: {
            description:
              'Automatic promotion of this service into this environment is paused (by a pause of the service, the environment, or both).',
            type: 'boolean',
          },
          mayPausePromotion: {
            description:
              'The caller holds `gitops-promotion.auto-promotion.pause` here (shown where the environment is promoted into automatically).',
            type: 'boolean',
          },
          mayPromote: {
            type: 'boolean',
            description:
              "Whether the caller holds `gitops-promotion.environment.promote`\nfor this environment of this service (the policy may condition\nit on the service's owners): rollbacks into it need it.\nPromotions into a downstream are described by `promote`.\n",
          },
        },
      },
      EnvironmentsResponse: {
        description: 'The answer of `GET /environments?entityRef=`.',
        type: 'object',
        additionalProperties: false,
        required: ['entityRef', 'service', 'environments'],
        properties: {
          entityRef: { type: 'string' },
          service: { type: 'string' },
          environments: {
            description: 'In pipeline order.',
            type: 'array',
            items: { $ref: '#/components/schemas/EnvironmentView' },
          },
        },
      },
      EnvironmentHistoryEntry: {
        description: 'A commit that touched the file holding the version.',
        type: 'object',
        additionalProperties: false,
        required: ['commitSha', 'author', 'date', 'message'],
        properties: {
          commitSha: { type: 'string' },
          author: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'email'],
            properties: { name: { type: 'string' }, email: { type: 'string' } },
          },
          date: { type: 'string', format: 'date-time' },
          message: { type: 'string' },
          from: {
            description:
              'Equal to `to` when the commit changed something else in the file.',
            type: 'string',
          },
          to: { type: 'string' },
          versions: {
            description:
              'Every value of the bundle after this commit (what a rollback to it sends); absent when one was unset or unreadable then.',
            type: 'array',
            items: { type: 'string' },
          },
        },
      },
      EnvironmentHistoryResponse: {
        description: 'The answer of `GET /environments/history`, newest first.',
        type: 'object',
        additionalProperties: false,
        required: ['entityRef', 'environment', 'path', 'key', 'history'],
        properties: {
          entityRef: { type: 'string' },
          environment: { type: 'string' },
          path: { type: 'string' },
          key: { type: 'string' },
          history: {
            type: 'array',
            items: { $ref: '#/components/schemas/EnvironmentHistoryEntry' },
          },
        },
      },
      MatrixEnvironment: {
        description: 'An environment as a column of the matrix.',
        type: 'object',
        additionalProperties: false,
        required: [
          'name',
          'title',
          'promotesFrom',
          'mode',
          'protected',
          'frozen',
        ],
        properties: {
          name: { type: 'string' },
          title: { type: 'string' },
          promotesFrom: { type: 'array', items: { type: 'string' } },
          mode: { $ref: '#/components/schemas/PromotionMode' },
          protected: { type: 'boolean' },
          frozen: {
            description: 'Names of the freeze windows active now.',
            type: 'array',
            items: { type: 'string' },
          },
          gates: { $ref: '#/components/schemas/EnvironmentGates' },
          mayPausePromotion: {
            description:
              'The caller holds `gitops-promotion.auto-promotion.pause` here\n(present where the environment is promoted into automatically):\nthey may pause or resume it for every service.\n',
            type: 'boolean',
          },
        },
      },
      MatrixCellStatus: {
        description:
          "Argo CD's view of one cell, as much as the matrix shows: sync and\nhealth (the Environments tab has the rest), or why it is unknown.\n",
        oneOf: [
          {
            type: 'object',
            additionalProperties: false,
            required: ['state', 'syncStatus', 'health'],
            properties: {
              state: { type: 'string', const: 'known' },
              syncStatus: {
                description: '`Synced`, `OutOfSync` or `Unknown`.',
                type: 'string',
              },
              health: {
                type: 'object',
                additionalProperties: false,
                required: ['status'],
                properties: {
                  status: { type: 'string' },
                  message: { type: 'string' },
                },
              },
            },
          },
          {
            type: 'object',
            additionalProperties: false,
            required: ['state', 'reason', 'message'],
            properties: {
              state: { type: 'string', const: 'unknown' },
              reason: {
                $ref: '#/components/schemas/GitopsArgoCdUnknownReason',
              },
              message: { type: 'string' },
            },
          },
        ],
      },
      MatrixCell: {
        description:
          "One service in one environment of the matrix, at its environment's\nposition in `environments`. Nothing the environment or the service\nalready says is repeated, and empty fields are left out, so 10,000\ncells stay under 2 MB.\n",
        type: 'object',
        additionalProperties: false,
        required: ['status'],
        properties: {
          version: {
            description:
              "The first key's value; absent when it could not be read.",
            type: 'string',
          },
          values: {
            description:
              'Every key the environment reads, when there is more than the\nversion to tell: several keys, or a key that could not be read\n(with its problem). Absent when the version is the only value.\n',
            type: 'array',
            items: { $ref: '#/components/schemas/GitopsKeyValue' },
          },
          status: { $ref: '#/components/schemas/MatrixCellStatus' },
          drift: { $ref: '#/components/schemas/Drift' },
          behind: {
            description:
              "The version differs from the first upstream's; absent when either is unknown.",
            type: 'boolean',
          },
          lag: {
            description:
              'Present when the cell is behind: how far. Absent while\n`lagPending` (the history is still being read).\n',
            $ref: '#/components/schemas/EnvironmentLag',
          },
          openPullRequests: {
            description: 'Absent when there are none.',
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['id', 'url', 'number'],
              properties: {
                id: { type: 'string' },
                url: { type: 'string' },
                number: { type: 'integer' },
              },
            },
          },
          inFlight: {
            description: 'Absent when there are none.',
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['id', 'state'],
              properties: {
                id: { type: 'string', format: 'uuid' },
                state: { $ref: '#/components/schemas/PromotionState' },
                sourceEnv: { type: 'string' },
                trigger: {
                  type: 'string',
                  enum: ['auto-promotion', 'auto-rollback'],
                },
                mayDecide: {
                  description: 'The caller may approve or reject it now.',
                  type: 'boolean',
                },
              },
            },
          },
          autoPromotionPaused: {
            description:
              'Automatic promotion of this service into this environment is paused; absent when not.',
            type: 'boolean',
          },
        },
      },
      MatrixService: {
        description: 'A service as a row of the matrix.',
        type: 'object',
        additionalProperties: false,
        required: [
          'entityRef',
          'service',
          'title',
          'owners',
          'systems',
          'cells',
        ],
        properties: {
          entityRef: { type: 'string' },
          service: { type: 'string' },
          title: { type: 'string' },
          owner: {
            description: '`spec.owner` as written in the entity.',
            type: 'string',
          },
          owners: {
            description: 'Entity refs of the owners (the `ownedBy` relations).',
            type: 'array',
            items: { type: 'string' },
          },
          system: { type: 'string' },
          systems: {
            description: 'Entity refs of the systems (the `partOf` relations).',
            type: 'array',
            items: { type: 'string' },
          },
          lastDeployedAt: {
            description:
              'The newest of its cells\' last Argo CD deployments (what "last change" sorts by).',
            type: 'string',
            format: 'date-time',
          },
          lifecycle: { type: 'string' },
          cells: {
            description: 'One per environment, in the order of `environments`.',
            type: 'array',
            items: { $ref: '#/components/schemas/MatrixCell' },
          },
        },
      },
      MatrixResponse: {
        description: 'The answer of `GET /matrix`.',
        type: 'object',
        additionalProperties: false,
        required: ['environments', 'services', 'lagPending'],
        properties: {
          lagPending: {
            description:
              "True while the lag of behind cells is still being counted: a\nbackend that has just started reads the GitOps repository's\nhistory in the background after answering with versions and\nstatus. Ask again in a few seconds.\n",
            type: 'boolean',
          },
          environments: {
            description:
              'The environments the caller may read, in pipeline order.',
            type: 'array',
            items: { $ref: '#/components/schemas/MatrixEnvironment' },
          },
          services: {
            type: 'array',
            items: { $ref: '#/components/schemas/MatrixService' },
          },
        },
      },
      EnvironmentDeploymentFigures: {
        description:
          'The delivery figures of one service (or of all services asked for)\nin one environment over the period (see `GET /delivery`).\n',
        type: 'object',
        additionalProperties: false,
        required: [
          'environment',
          'deployments',
          'outsideDeployments',
          'perWeek',
          'weekly',
          'changes',
          'failures',
          'timeToRestore',
        ],
        properties: {
          environment: { type: 'string' },
          deployments: {
            description:
              'Promotions that reached `deployed`, plus commits made outside the plugin that changed the version.',
            type: 'integer',
            minimum: 0,
          },
          outsideDeployments: {
            description:
              'Of `deployments`, the commits made outside the plugin (no promotion of the ledger made them).',
            type: 'integer',
            minimum: 0,
          },
          perWeek: {
            description: '`deployments` per 7 days of the period.',
            type: 'number',
            minimum: 0,
          },
          lastDeployedAt: { type: 'string', format: 'date-time' },
          weekly: {
            description: 'Deployments per 7 days of the period, oldest first.',
            type: 'array',
            items: { type: 'integer', minimum: 0 },
          },
          changes: {
            description:
              'Deployments plus promotions that ended `failed` after their commit.',
            type: 'integer',
            minimum: 0,
          },
          failures: {
            description:
              'Changes that failed: the promotion ended `failed` after its\ncommit, or the next change rolled it back (a ledger rollback, or\nthe one `rollbackOf` names) or reverted it outside the plugin.\n',
            type: 'integer',
            minimum: 0,
          },
          changeFailureRate: {
            description:
              '`failures / changes`, from 0 to 1; absent without changes.',
            type: 'number',
            minimum: 0,
            maximum: 1,
          },
          timeToRestore: { $ref: '#/components/schemas/TimeToRestoreFigures' },
        },
      },
      LeadTimeFigures: {
        description: 'Lead time from the first environment to production.',
        type: 'object',
        additionalProperties: false,
        required: ['samples'],
        properties: {
          samples: {
            description: 'Production deployments measured.',
            type: 'integer',
            minimum: 0,
          },
          medianHours: { type: 'number' },
          p90Hours: { type: 'number' },
        },
      },
      TimeToRestoreFigures: {
        description:
          "From a failure (a failed promotion's `updatedAt`, the deployment of a\nchange that was rolled back or reverted) to the next deployment into\nthe same service and environment.\n",
        type: 'object',
        additionalProperties: false,
        required: ['samples', 'unrestored'],
        properties: {
          samples: {
            description: 'Failures of the period that a deployment followed.',
            type: 'integer',
            minimum: 0,
          },
          medianHours: { type: 'number' },
          p90Hours: { type: 'number' },
          unrestored: {
            description:
              'Failures of the period that no deployment followed yet.',
            type: 'integer',
            minimum: 0,
          },
        },
      },
      DeliveryFiguresResponse: {
        description: 'The answer of `GET /delivery`.',
        type: 'object',
        additionalProperties: false,
        required: ['since', 'until', 'services', 'total'],
        properties: {
          since: { type: 'string', format: 'date-time' },
          until: { type: 'string', format: 'date-time' },
          services: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['service', 'environments', 'leadTime'],
              properties: {
                service: { type: 'string' },
                environments: {
                  type: 'array',
                  items: {
                    $ref: '#/components/schemas/EnvironmentDeploymentFigures',
                  },
                },
                leadTime: { $ref: '#/components/schemas/LeadTimeFigures' },
              },
            },
          },
          total: {
            type: 'object',
            additionalProperties: false,
            required: ['environments', 'leadTime'],
            properties: {
              environments: {
                type: 'array',
                items: {
                  $ref: '#/components/schemas/EnvironmentDeploymentFigures',
                },
              },
              leadTime: { $ref: '#/components/schemas/LeadTimeFigures' },
            },
          },
          warnings: {
            description:
              'What the figures leave out, e.g. a repository branch whose\nhistory could not be read (its changes made outside the plugin\nare not counted).\n',
            type: 'array',
            items: { type: 'string' },
          },
        },
      },
      RegisteredFile: {
        description: 'One file of a registration.',
        type: 'object',
        additionalProperties: false,
        required: ['environment', 'path', 'content', 'diff'],
        properties: {
          environment: { type: 'string' },
          path: { type: 'string' },
          content: { type: 'string' },
          diff: {
            description:
              'Unified diff against the branch head; empty when the file is already there as rendered.',
            type: 'string',
          },
        },
      },
      ServiceRegistrationResult: {
        description: 'The answer of `POST /services`.',
        type: 'object',
        additionalProperties: false,
        required: [
          'service',
          'layout',
          'environments',
          'version',
          'created',
          'dryRun',
          'mode',
          'repository',
          'branch',
          'baseCommit',
          'message',
          'files',
          'annotations',
        ],
        properties: {
          service: { type: 'string' },
          layout: { type: 'string' },
          environments: { type: 'array', items: { type: 'string' } },
          version: { type: 'string' },
          created: {
            description:
              'Whether this request wrote the files (or opened the pull request).',
            type: 'boolean',
          },
          dryRun: { type: 'boolean' },
          mode: { $ref: '#/components/schemas/PromotionMode' },
          repository: { type: 'string' },
          branch: { type: 'string' },
          baseCommit: {
            description:
              'The branch head the files were compared with (and the commit was based on).',
            type: 'string',
          },
          message: {
            description: 'What happened, in one sentence.',
            type: 'string',
          },
          commit: {
            type: 'object',
            additionalProperties: false,
            required: ['sha'],
            properties: { sha: { type: 'string' }, url: { type: 'string' } },
          },
          pullRequest: {
            type: 'object',
            additionalProperties: false,
            required: ['number', 'url'],
            properties: {
              number: { type: 'integer' },
              url: { type: 'string' },
            },
          },
          files: {
            type: 'array',
            items: { $ref: '#/components/schemas/RegisteredFile' },
          },
          annotations: {
            description: "The annotations the service's catalog entity needs.",
            type: 'object',
            additionalProperties: { type: 'string' },
          },
        },
      },
    },
  },
} as const;

/** What each operation's handler receives and answers, by `#method|path`. */
export type EndpointMap = {
  '#get|/environments': {
    query: NonNullable<operations['getEnvironments']['parameters']['query']>;
    response: operations['getEnvironments']['responses'][200]['content']['application/json'];
  };
  '#get|/environments/history': {
    query: NonNullable<
      operations['getEnvironmentHistory']['parameters']['query']
    >;
    response: operations['getEnvironmentHistory']['responses'][200]['content']['application/json'];
  };
  '#get|/matrix': {
    query: NonNullable<operations['getMatrix']['parameters']['query']>;
    response: operations['getMatrix']['responses'][200]['content']['application/json'];
  };
  '#post|/promotions/preview': {
    body: NonNullable<
      operations['previewPromotion']['requestBody']
    >['content']['application/json'];
    response: operations['previewPromotion']['responses'][200]['content']['application/json'];
  };
  '#post|/promotions/bulk/preview': {
    body: NonNullable<
      operations['previewBulkPromotion']['requestBody']
    >['content']['application/json'];
    response: operations['previewBulkPromotion']['responses'][200]['content']['application/json'];
  };
  '#get|/promotions': {
    query: NonNullable<operations['listPromotions']['parameters']['query']>;
    response: operations['listPromotions']['responses'][200]['content']['application/json'];
  };
  '#post|/promotions': {
    body: NonNullable<
      operations['createPromotion']['requestBody']
    >['content']['application/json'];
    response:
      | operations['createPromotion']['responses'][200]['content']['application/json']
      | operations['createPromotion']['responses'][201]['content']['application/json'];
  };
  '#post|/promotions/bulk': {
    body: NonNullable<
      operations['createBulkPromotion']['requestBody']
    >['content']['application/json'];
    response: operations['createBulkPromotion']['responses'][201]['content']['application/json'];
  };
  '#get|/promotions/{id}': {
    path: operations['getPromotion']['parameters']['path'];
    response: operations['getPromotion']['responses'][200]['content']['application/json'];
  };
  '#post|/promotions/{id}/approvals': {
    path: operations['decidePromotion']['parameters']['path'];
    body: NonNullable<
      operations['decidePromotion']['requestBody']
    >['content']['application/json'];
    response: operations['decidePromotion']['responses'][200]['content']['application/json'];
  };
  '#get|/auto-promotion/pauses': {
    response: operations['listAutoPromotionPauses']['responses'][200]['content']['application/json'];
  };
  '#post|/auto-promotion/pauses': {
    body: NonNullable<
      operations['pauseAutoPromotion']['requestBody']
    >['content']['application/json'];
    response:
      | operations['pauseAutoPromotion']['responses'][200]['content']['application/json']
      | operations['pauseAutoPromotion']['responses'][201]['content']['application/json'];
  };
  '#_delete|/auto-promotion/pauses': {
    query: NonNullable<
      operations['resumeAutoPromotion']['parameters']['query']
    >;
    response: operations['resumeAutoPromotion']['responses'][200]['content']['application/json'];
  };
  '#post|/ci/versions': {
    body: NonNullable<
      operations['setCiVersions']['requestBody']
    >['content']['application/json'];
    response:
      | operations['setCiVersions']['responses'][200]['content']['application/json']
      | operations['setCiVersions']['responses'][201]['content']['application/json'];
  };
  '#post|/services': {
    body: NonNullable<
      operations['registerService']['requestBody']
    >['content']['application/json'];
    response:
      | operations['registerService']['responses'][200]['content']['application/json']
      | operations['registerService']['responses'][201]['content']['application/json'];
  };
  '#get|/delivery': {
    query: NonNullable<operations['getDeliveryFigures']['parameters']['query']>;
    response: operations['getDeliveryFigures']['responses'][200]['content']['application/json'];
  };
};

/** An express router whose routes are typed and whose requests are validated by {@link spec}. */
export function createOpenApiRouter(options?: {
  middleware?: RequestHandler[];
  validatorOptions?: Parameters<
    typeof createValidatedOpenApiRouterFromGeneratedEndpointMap
  >[1] extends infer O
    ? O extends { validatorOptions?: infer V }
      ? V
      : never
    : never;
}): TypedRouter<EndpointMap> {
  return createValidatedOpenApiRouterFromGeneratedEndpointMap<EndpointMap>(
    spec as never,
    options,
  );
}
