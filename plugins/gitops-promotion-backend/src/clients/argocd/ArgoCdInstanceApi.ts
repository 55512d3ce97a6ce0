import { Agent, Dispatcher, request } from 'undici';
import { APPLICATION_LIST_FIELDS } from './applicationListFields';
import { ArgoCdInstanceConfig } from './ArgoCdConfig';
import { ArgoCdRequestError } from './ArgoCdRequestError';
import { ApplicationListQuery } from './buildListQuery';
import { createInstanceDispatcher } from './createInstanceDispatcher';
import {
  ApplicationWatchEvent,
  parseWatchStreamLine,
} from './parseWatchStreamLine';
import { readJsonLines } from './readJsonLines';
import {
  SessionTokenSource,
  StaticTokenSource,
  TokenSource,
} from './sessionTokens';

interface RawResponse {
  status: number;
  text: string;
}

/** A stream's response: its body left open when it succeeded. */
interface StreamResponse extends RawResponse {
  body?: Dispatcher.ResponseData['body'];
}

interface OutgoingRequest {
  method: 'GET' | 'POST';
  pathAndQuery: string;
  headers: Record<string, string>;
  body?: string;
}

/** Per-request limits; without a signal the instance's timeout bounds the whole request. */
interface RequestLimits {
  signal?: AbortSignal;
  headersTimeout?: number;
  bodyTimeout?: number;
}

/**
 * How long the application stream may stay silent before it counts as dead.
 * Argo CD writes to it only when an application changes, but it reconciles
 * every application every 3 minutes by default (`timeout.reconciliation`,
 * plus up to a minute of jitter), which updates `status.reconciledAt` and
 * so sends an event: an instance with applications is never silent for
 * this long unless the connection died without a reset reaching us (a
 * proxy or NAT dropping it). An instance whose query matches no application
 * reconnects this often, at the cost of one (empty) list.
 */
export const STREAM_IDLE_TIMEOUT_MS = 5 * 60_000;

/** Options of {@link ArgoCdInstanceApi.watchApplications}. */
export interface WatchApplicationsOptions {
  /**
   * Only changes from this version on. Any value makes Argo CD skip its
   * replay of every application as ADDED (the caller lists instead);
   * changes made while no stream was open are never replayed.
   */
  resourceVersion: string;
  /** Ends the stream. */
  signal: AbortSignal;
  /** How long Argo CD may send nothing, response headers included. */
  idleTimeoutMs?: number;
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

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function describeNetworkError(error: unknown): string {
  const { code, name, message } = (error ?? {}) as {
    code?: string;
    name?: string;
    message?: string;
  };
  if (name === 'TimeoutError' || name === 'AbortError') return 'timed out';
  if (code && TIMEOUT_CODES.has(code)) return 'timed out';
  return [code, message].filter(Boolean).join(' ') || String(error);
}

/** The connection was reset or closed under the request. */
function isConnectionReset(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: string };
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET';
}

/** The query parameters the application list and stream share. */
function applicationQueryParams(query: ApplicationListQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (query.selector) params.set('selector', query.selector);
  for (const project of query.projects) params.append('projects', project);
  if (query.appNamespace) params.set('appNamespace', query.appNamespace);
  return params;
}

/**
 * The REST API of one Argo CD instance: the application list and stream,
 * one application, and the session login. Translates every failure into an
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
    const params = applicationQueryParams(query);
    params.set('fields', APPLICATION_LIST_FIELDS);
    return this.get('/api/v1/applications', params, 'the application list');
  }

  /**
   * `GET /api/v1/stream/applications` with the list's query (Argo CD's
   * ApplicationService_Watch): resolves once Argo CD answered with its
   * status line, then yields each change until Argo CD ends the stream,
   * `options.signal` aborts it, or it stays silent for the idle timeout.
   * Argo CD sends its status line with the first event only, so a quiet
   * instance may not resolve for a while.
   *
   * @throws ArgoCdRequestError when the stream cannot be opened, and from
   *   the iteration when it breaks off
   */
  async watchApplications(
    query: ApplicationListQuery,
    options: WatchApplicationsOptions,
  ): Promise<AsyncIterable<ApplicationWatchEvent>> {
    const params = applicationQueryParams(query);
    params.set('resourceVersion', options.resourceVersion);
    const idleTimeoutMs = options.idleTimeoutMs ?? STREAM_IDLE_TIMEOUT_MS;
    const what = 'the application stream';
    const response = await this.authorized(authorization =>
      this.exchange(
        {
          method: 'GET',
          pathAndQuery: `/api/v1/stream/applications?${params}`,
          headers: { authorization },
        },
        {
          signal: options.signal,
          headersTimeout: idleTimeoutMs,
          bodyTimeout: idleTimeoutMs,
        },
        async (res): Promise<StreamResponse> =>
          res.statusCode >= 200 && res.statusCode < 300
            ? { status: res.statusCode, text: '', body: res.body }
            : { status: res.statusCode, text: await res.body.text() },
      ),
    );
    if (!response.body) {
      throw this.failure(response, what);
    }
    return this.readEvents(response.body, what);
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
    const response = await this.authorized(authorization =>
      this.send({
        method: 'GET',
        pathAndQuery: query ? `${path}?${query}` : path,
        headers: { authorization },
      }),
    );
    return this.interpret(response, what);
  }

  /**
   * Sends with the instance's token; when Argo CD refuses a session token
   * (401), logs in again and sends once more.
   */
  private async authorized<T extends RawResponse>(
    send: (authorization: string) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const token = await this.tokens.token();
      const response = await send(`Bearer ${token}`);
      if (
        response.status === 401 &&
        attempt === 1 &&
        this.tokens.rejected(token)
      ) {
        continue;
      }
      return response;
    }
  }

  /** Yields the stream's changes; a broken stream throws ArgoCdRequestError. */
  private async *readEvents(
    body: AsyncIterable<Uint8Array>,
    what: string,
  ): AsyncGenerator<ApplicationWatchEvent, void, undefined> {
    const { name } = this.instance;
    try {
      for await (const json of readJsonLines(body)) {
        const line = parseWatchStreamLine(json);
        if (line.kind === 'event') yield line.event;
        if (line.kind === 'error') {
          throw new ArgoCdRequestError(
            'unreachable',
            `Argo CD instance '${name}' ended ${what}: ${line.message}`,
          );
        }
      }
    } catch (error) {
      if (error instanceof ArgoCdRequestError) throw error;
      throw new ArgoCdRequestError(
        'unreachable',
        error instanceof SyntaxError
          ? `Argo CD instance '${name}' sent something that is not JSON on ${what}`
          : `Argo CD instance '${name}' broke off ${what}: ${describeNetworkError(
              error,
            )}`,
      );
    }
  }

  private async createSession(): Promise<string> {
    const { credentials, name } = this.instance;
    if (credentials.kind !== 'password') {
      throw new Error('Only password credentials log in');
    }
    const response = await this.send({
      method: 'POST',
      pathAndQuery: '/api/v1/session',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: credentials.username,
        password: credentials.password,
      }),
    });
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

  private send(outgoing: OutgoingRequest): Promise<RawResponse> {
    return this.exchange(outgoing, {}, async response => ({
      status: response.statusCode,
      text: await response.body.text(),
    }));
  }

  /**
   * Sends a request and reads its response with `read`; network failures
   * and timeouts become ArgoCdRequestError.
   */
  private async exchange<T>(
    outgoing: OutgoingRequest,
    limits: RequestLimits,
    read: (response: Dispatcher.ResponseData) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await request(
          `${this.instance.url}${outgoing.pathAndQuery}`,
          {
            method: outgoing.method,
            headers: { accept: 'application/json', ...outgoing.headers },
            body: outgoing.body,
            dispatcher: this.dispatcher,
            signal: AbortSignal.timeout(this.instance.timeoutMs),
            ...limits,
          },
        );
        return await read(response);
      } catch (error) {
        // A kept-alive connection the server closed meanwhile fails the next
        // request on it: a GET is safe to send once more on a new one.
        if (
          outgoing.method === 'GET' &&
          attempt === 1 &&
          isConnectionReset(error)
        ) {
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

  private interpret(response: RawResponse, what: string): unknown {
    if (response.status >= 200 && response.status < 300) {
      try {
        return JSON.parse(response.text);
      } catch {
        throw new ArgoCdRequestError(
          'unreachable',
          `Argo CD instance '${this.instance.name}' answered ${what} with something that is not JSON`,
        );
      }
    }
    throw this.failure(response, what);
  }

  /** The error of a response that is not a success. */
  private failure({ status, text }: RawResponse, what: string) {
    const { name } = this.instance;
    const detail = `HTTP ${status}${upstreamMessage(text)}`;
    if (status === 401 || status === 403) {
      return new ArgoCdRequestError(
        'access-denied',
        `Argo CD instance '${name}' denied access to ${what} (${detail})`,
      );
    }
    if (status === 404) {
      return new ArgoCdRequestError(
        'not-found',
        `Argo CD instance '${name}' has no ${what} (${detail})`,
      );
    }
    return new ArgoCdRequestError(
      'unreachable',
      `Argo CD instance '${name}' failed to return ${what} (${detail})`,
    );
  }
}
