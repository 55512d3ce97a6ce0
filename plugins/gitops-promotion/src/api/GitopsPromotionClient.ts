/* eslint-disable new-cap -- openapi-fetch names its methods after the HTTP verbs (GET, POST) */
import { ResponseError } from '@backstage/errors';
import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import {
  ApprovalRequest,
  AutoPromotionPause,
  AutoPromotionPauseList,
  AutoPromotionPauseRequest,
  BulkPromotionPreviewResponse,
  BulkPromotionRequest,
  BulkPromotionResponse,
  DeliveryFiguresQuery,
  DeliveryFiguresResponse,
  EnvironmentHistoryQuery,
  EnvironmentHistoryResponse,
  MatrixResponse,
  EnvironmentsResponse,
  PromotionPreviewRequest,
  PromotionPreviewResponse,
  PromotionRecord,
  PromotionRequest,
  OpenApiPaths,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import createClient, { Client } from 'openapi-fetch';
import { GitopsPromotionApi } from './GitopsPromotionApi';

/**
 * {@link GitopsPromotionApi} over the backend's REST API
 * (`/api/gitops-promotion`), with the user's Backstage credentials. Every
 * path, parameter, body and answer is typed from the API's OpenAPI spec (the
 * generated `OpenApiPaths`), so a call the spec does not describe does not
 * compile.
 *
 * @public
 */
export class GitopsPromotionClient implements GitopsPromotionApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getEnvironments(entityRef: string): Promise<EnvironmentsResponse> {
    return this.call(api =>
      api.GET('/environments', { params: { query: { entityRef } } }),
    );
  }

  getHistory(
    request: EnvironmentHistoryQuery,
  ): Promise<EnvironmentHistoryResponse> {
    return this.call(api =>
      api.GET('/environments/history', { params: { query: request } }),
    );
  }

  previewPromotion(
    request: PromotionPreviewRequest,
  ): Promise<PromotionPreviewResponse> {
    return this.call(api => api.POST('/promotions/preview', { body: request }));
  }

  promote(
    request: PromotionRequest,
    options: { idempotencyKey: string },
  ): Promise<PromotionRecord> {
    return this.call(api =>
      api.POST('/promotions', {
        params: { header: { 'Idempotency-Key': options.idempotencyKey } },
        body: request,
      }),
    );
  }

  getPromotion(id: string): Promise<PromotionRecord> {
    return this.call(api =>
      api.GET('/promotions/{id}', { params: { path: { id } } }),
    );
  }

  decidePromotion(
    id: string,
    request: ApprovalRequest,
  ): Promise<PromotionRecord> {
    return this.call(api =>
      api.POST('/promotions/{id}/approvals', {
        params: { path: { id } },
        body: request,
      }),
    );
  }

  listAutoPromotionPauses(): Promise<AutoPromotionPauseList> {
    return this.call(api => api.GET('/auto-promotion/pauses'));
  }

  pauseAutoPromotion(
    request: AutoPromotionPauseRequest,
  ): Promise<AutoPromotionPause> {
    return this.call(api =>
      api.POST('/auto-promotion/pauses', { body: request }),
    );
  }

  resumeAutoPromotion(
    pause: Omit<AutoPromotionPauseRequest, 'reason'>,
  ): Promise<AutoPromotionPause> {
    return this.call(api =>
      api.DELETE('/auto-promotion/pauses', { params: { query: pause } }),
    );
  }

  getMatrix(): Promise<MatrixResponse> {
    return this.call(api => api.GET('/matrix'));
  }

  previewBulkPromotion(
    request: Omit<BulkPromotionRequest, 'allOrNothing'>,
  ): Promise<BulkPromotionPreviewResponse> {
    return this.call(api =>
      api.POST('/promotions/bulk/preview', { body: request }),
    );
  }

  promoteBulk(
    request: BulkPromotionRequest,
    options: { idempotencyKey: string },
  ): Promise<BulkPromotionResponse> {
    return this.call(api =>
      api.POST('/promotions/bulk', {
        params: { header: { 'Idempotency-Key': options.idempotencyKey } },
        body: request,
      }),
    );
  }

  getDeliveryFigures(
    request: DeliveryFiguresQuery,
  ): Promise<DeliveryFiguresResponse> {
    return this.call(api =>
      api.GET('/delivery', { params: { query: request } }),
    );
  }

  /**
   * One call through a client on the discovered base URL; an answer that is
   * not 2xx rejects with a ResponseError carrying the backend's error body.
   */
  private async call<T>(
    send: (api: Client<OpenApiPaths>) => Promise<{ data?: T }>,
  ): Promise<T> {
    const api = createClient<OpenApiPaths>({
      baseUrl: await this.discoveryApi.getBaseUrl('gitops-promotion'),
      // Backstage's fetch middlewares build a Request from what they are
      // given and may pass the original on: a Request with a body can be
      // used once, so they get its parts.
      fetch: async request => {
        const response = await this.fetchApi.fetch(request.url, {
          method: request.method,
          headers: request.headers,
          body: request.body ? await request.text() : undefined,
        });
        if (!response.ok) {
          throw await ResponseError.fromResponse(response);
        }
        return response;
      },
    });
    return (await send(api)).data as T;
  }
}
