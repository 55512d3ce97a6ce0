import { Agent, request } from 'undici';
import { APPLICATION_LIST_FIELDS } from './applicationListFields';
import { ArgoCdInstanceConfig } from './ArgoCdConfig';
import { ArgoCdRequestError } from './ArgoCdRequestError';
import { ApplicationListQuery } from './buildListQuery';
import { createInstanceDispatcher } from './createInstanceDispatcher';
import {
  SessionTokenSource,
  StaticTokenSource,
  TokenSource,
} from './sessionTokens';

interface RawResponse {
  status: number;
  text: string;
}

/** Options of a single-application read. */
export interface GetApplicationOptions {
  /** `normal` asks Argo CD to compare with git again before answering. */
  refresh?: 'normal';
  appNamespace?: string;
  project?: string;
}

function upstreamMessage(text: string): string {
  try {
    const message = JSON.parse(text)?.message;
    return typeof message === 'string' && message
      ? `: ${message.slice(0, 200)}`
      : '';
  } catch {
    return '';
  }
}

function describeNetworkError(error: unknown): string {
  const { code, name, message } = (error ?? {}) as {
    code?: string;
    name?: string;
    message?: string;
  };
  if (name === 'TimeoutError' || name === 'AbortError') return 'timed out';
  return [code, message].filter(Boolean).join(' ') || String(error);
}

/** The connection was reset or closed under the request. */
function isConnectionReset(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: string };
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET';
}

/**
 * The REST API of one Argo CD instance: the application list, one
 * application, and the session login. Translates every failure into an
 * {@link ArgoCdRequestError}; credentials never appear in messages.
 */
export class ArgoCdInstanceApi {
  private readonly dispatcher: Agent;
  private readonly tokens: TokenSource;

  constructor(private readonly instance: ArgoCdInstanceConfig) {
    this.dispatcher = createInstanceDispatcher(instance);
    this.tokens =
      instance.credentials.kind === 'token'
        ? new StaticTokenSource(instance.credentials.token)
        : new SessionTokenSource(() => this.createSession());
  }

  /** `GET /api/v1/applications` with the list projection. */
  listApplications(query: ApplicationListQuery): Promise<unknown> {
    const params = new URLSearchParams({ fields: APPLICATION_LIST_FIELDS });
    if (query.selector) params.set('selector', query.selector);
    for (const project of query.projects) params.append('projects', project);
    if (query.appNamespace) params.set('appNamespace', query.appNamespace);
    return this.get('/api/v1/applications', params, 'the application list');
  }

  /** `GET /api/v1/applications/{name}`, the whole application. */
  getApplication(
    name: string,
    options: GetApplicationOptions = {},
  ): Promise<unknown> {
    const params = new URLSearchParams();
    if (options.refresh) params.set('refresh', options.refresh);
    if (options.appNamespace) params.set('appNamespace', options.appNamespace);
    if (options.project) params.set('project', options.project);
    return this.get(
      `/api/v1/applications/${encodeURIComponent(name)}`,
      params,
      `application '${name}'`,
    );
  }

  /** Closes the instance's connections. */
  close(): Promise<void> {
    return this.dispatcher.close();
  }

  private async get(
    path: string,
    params: URLSearchParams,
    what: string,
  ): Promise<unknown> {
    const query = params.toString();
    for (let attempt = 1; ; attempt++) {
      const token = await this.tokens.token();
      const response = await this.send(
        'GET',
        query ? `${path}?${query}` : path,
        {
          authorization: `Bearer ${token}`,
        },
      );
      if (
        response.status === 401 &&
        attempt === 1 &&
        this.tokens.rejected(token)
      ) {
        continue;
      }
      return this.interpret(response, what);
    }
  }

  private async createSession(): Promise<string> {
    const { credentials, name } = this.instance;
    if (credentials.kind !== 'password') {
      throw new Error('Only password credentials log in');
    }
    const response = await this.send(
      'POST',
      '/api/v1/session',
      { 'content-type': 'application/json' },
      JSON.stringify({
        username: credentials.username,
        password: credentials.password,
      }),
    );
    if (response.status === 401 || response.status === 403) {
      throw new ArgoCdRequestError(
        'access-denied',
        `Argo CD instance '${name}' refused the login of user '${
          credentials.username
        }' (HTTP ${response.status}${upstreamMessage(response.text)})`,
      );
    }
    const { token } = (this.interpret(response, 'a session') ?? {}) as {
      token?: unknown;
    };
    if (typeof token !== 'string' || !token) {
      throw new ArgoCdRequestError(
        'unreachable',
        `Argo CD instance '${name}' returned no session token`,
      );
    }
    return token;
  }

  private async send(
    method: 'GET' | 'POST',
    pathAndQuery: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<RawResponse> {
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await request(`${this.instance.url}${pathAndQuery}`, {
          method,
          headers: { accept: 'application/json', ...headers },
          body,
          dispatcher: this.dispatcher,
          signal: AbortSignal.timeout(this.instance.timeoutMs),
        });
        return {
          status: response.statusCode,
          text: await response.body.text(),
        };
      } catch (error) {
        // A kept-alive connection the server closed meanwhile fails the next
        // request on it: a GET is safe to send once more on a new one.
        if (method === 'GET' && attempt === 1 && isConnectionReset(error)) {
          continue;
        }
        throw new ArgoCdRequestError(
          'unreachable',
          `Argo CD instance '${
            this.instance.name
          }' is unreachable: ${describeNetworkError(error)}`,
        );
      }
    }
  }

  private interpret({ status, text }: RawResponse, what: string): unknown {
    const { name } = this.instance;
    if (status >= 200 && status < 300) {
      try {
        return JSON.parse(text);
      } catch {
        throw new ArgoCdRequestError(
          'unreachable',
          `Argo CD instance '${name}' answered ${what} with something that is not JSON`,
        );
      }
    }
    const detail = `HTTP ${status}${upstreamMessage(text)}`;
    if (status === 401 || status === 403) {
      throw new ArgoCdRequestError(
        'access-denied',
        `Argo CD instance '${name}' denied access to ${what} (${detail})`,
      );
    }
    if (status === 404) {
      throw new ArgoCdRequestError(
        'not-found',
        `Argo CD instance '${name}' has no ${what} (${detail})`,
      );
    }
    throw new ArgoCdRequestError(
      'unreachable',
      `Argo CD instance '${name}' failed to return ${what} (${detail})`,
    );
  }
}
