import { ResponseError } from '@backstage/errors';
import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import {
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
} from '@internal/backstage-plugin-gitops-promotion-common';
import { GitopsPromotionApi } from './GitopsPromotionApi';

/**
 * {@link GitopsPromotionApi} over the backend's REST API
 * (`/api/gitops-promotion`), with the user's Backstage credentials.
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
    return this.request(`environments?${query({ entityRef })}`);
  }

  getHistory(
    request: EnvironmentHistoryQuery,
  ): Promise<EnvironmentHistoryResponse> {
    return this.request(`environments/history?${query(request)}`);
  }

  previewPromotion(
    request: PromotionPreviewRequest,
  ): Promise<PromotionPreviewResponse> {
    return this.request('promotions/preview', {
      method: 'POST',
      body: JSON.stringify(request),
    });
  }

  promote(
    request: PromotionRequest,
    options: { idempotencyKey: string },
  ): Promise<PromotionRecord> {
    return this.request('promotions', {
      method: 'POST',
      headers: { 'Idempotency-Key': options.idempotencyKey },
      body: JSON.stringify(request),
    });
  }

  getPromotion(id: string): Promise<PromotionRecord> {
    return this.request(`promotions/${encodeURIComponent(id)}`);
  }

  getMatrix(): Promise<MatrixResponse> {
    return this.request('matrix');
  }

  previewBulkPromotion(
    request: Omit<BulkPromotionRequest, 'allOrNothing'>,
  ): Promise<BulkPromotionPreviewResponse> {
    return this.request('promotions/bulk/preview', {
      method: 'POST',
      body: JSON.stringify(request),
    });
  }

  promoteBulk(
    request: BulkPromotionRequest,
    options: { idempotencyKey: string },
  ): Promise<BulkPromotionResponse> {
    return this.request('promotions/bulk', {
      method: 'POST',
      headers: { 'Idempotency-Key': options.idempotencyKey },
      body: JSON.stringify(request),
    });
  }

  getDeliveryFigures(
    request: DeliveryFiguresQuery,
  ): Promise<DeliveryFiguresResponse> {
    return this.request(`delivery?${query(request)}`);
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('gitops-promotion');
    const response = await this.fetchApi.fetch(`${baseUrl}/${path}`, {
      ...init,
      headers: {
        ...(init?.body ? { 'Content-Type': 'application/json' } : {}),
        ...init?.headers,
      },
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

function query(params: Record<string, string | string[] | number | undefined>) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const item of [value].flat()) {
      if (item !== undefined) search.append(key, String(item));
    }
  }
  return search.toString();
}
