import request from 'supertest';
import { asUser } from '../../../__testUtils__/promotionBackend';

export const API = '/api/gitops-promotion';

/** A response as the suite keeps it, for assertions and the secrets scan. */
export interface ApiResponse {
  method: string;
  path: string;
  status: number;
  body: any;
  /** Status line, headers and body as sent. */
  text: string;
}

export interface CallOptions {
  /** `Authorization` header; none when null. Default: the guest user. */
  auth?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as is (with this content type) instead of JSON. */
  raw?: { contentType: string; data: string };
}

/**
 * The plugin's REST API on a test backend's server; every response is kept
 * in `responses`.
 */
export function apiClient(server: Parameters<typeof request>[0]) {
  const responses: ApiResponse[] = [];
  async function call(
    method: 'get' | 'post' | 'put' | 'patch' | 'delete',
    path: string,
    options: CallOptions = {},
  ): Promise<ApiResponse> {
    let req = request(server)[method](`${API}${path}`);
    const auth = options.auth === undefined ? asUser() : options.auth;
    if (auth !== null) req = req.set('Authorization', auth);
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      req = req.set(name, value);
    }
    if (options.raw) {
      req = req.set('Content-Type', options.raw.contentType);
      req = req.send(options.raw.data);
    } else if (options.body !== undefined) {
      req = req.send(options.body as object);
    }
    const res = await req;
    const response = {
      method: method.toUpperCase(),
      path,
      status: res.status,
      body: res.body,
      text: `${res.status} ${JSON.stringify(res.headers)} ${res.text ?? ''}`,
    };
    responses.push(response);
    return response;
  }
  return {
    responses,
    call,
    get: (path: string, options?: CallOptions) => call('get', path, options),
    post: (path: string, body: unknown, options?: CallOptions) =>
      call('post', path, { ...options, body }),
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

/** The error message of a Backstage error response, or undefined. */
export function errorMessage(response: ApiResponse): string | undefined {
  const message = response.body?.error?.message;
  return typeof message === 'string' ? message : undefined;
}

/** Polls until `check` resolves truthy or `timeoutMs` passes; resolves with its last value. */
export async function eventually<T>(
  check: () => Promise<T>,
  { timeoutMs = 20_000, intervalMs = 200 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await check();
  while (!value && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, intervalMs));
    value = await check();
  }
  return value;
}

/** Every promotion of the ledger (optionally filtered by a query), page by page. */
export async function allPromotions(
  api: ApiClient,
  query = '',
): Promise<any[]> {
  const items: any[] = [];
  for (;;) {
    const before = items.length ? `&before=${items[items.length - 1].id}` : '';
    const page = await api.get(`/promotions?limit=500${query}${before}`);
    if (page.status !== 200) {
      throw new Error(`GET /promotions answered ${page.status}`);
    }
    items.push(...page.body.items);
    if (page.body.items.length < 500) return items;
  }
}
