/** Supplies the bearer token of an instance. */
export interface TokenSource {
  /** A token to send; concurrent callers share one login. */
  token(): Promise<string>;
  /**
   * Called after the instance rejected `token` with 401.
   * @returns whether asking {@link TokenSource.token} again may help
   */
  rejected(token: string): boolean;
}

/** A configured API token: nothing to renew. */
export class StaticTokenSource implements TokenSource {
  constructor(private readonly value: string) {}

  async token(): Promise<string> {
    return this.value;
  }

  rejected(): boolean {
    return false;
  }
}

/** The `exp` claim of a JWT in ms since epoch, if it has one. */
export function readJwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const { exp } = JSON.parse(
      Buffer.from(payload, 'base64url').toString('utf8'),
    );
    return typeof exp === 'number' && Number.isFinite(exp)
      ? exp * 1000
      : undefined;
  } catch {
    return undefined;
  }
}

const MAX_RENEW_MARGIN_MS = 60_000;

/**
 * A session token obtained by logging in (`POST /api/v1/session`), reused
 * until shortly before its JWT `exp` (a minute, or a tenth of its lifetime if
 * shorter). Concurrent callers wait for the same login; a 401 drops the token
 * so the next call logs in again.
 */
export class SessionTokenSource implements TokenSource {
  private current?: { value: string; renewAt: number };
  private login?: Promise<string>;

  constructor(
    private readonly logIn: () => Promise<string>,
    private readonly now: () => number = Date.now,
  ) {}

  token(): Promise<string> {
    if (this.current && this.now() < this.current.renewAt) {
      return Promise.resolve(this.current.value);
    }
    if (!this.login) {
      const startedAt = this.now();
      this.login = this.logIn()
        .then(value => {
          const expiry = readJwtExpiry(value);
          const margin =
            expiry === undefined
              ? 0
              : Math.min(MAX_RENEW_MARGIN_MS, (expiry - startedAt) / 10);
          this.current = {
            value,
            renewAt: expiry === undefined ? Infinity : expiry - margin,
          };
          return value;
        })
        .finally(() => {
          this.login = undefined;
        });
    }
    return this.login;
  }

  rejected(token: string): boolean {
    if (this.current?.value === token) {
      this.current = undefined;
    }
    return true;
  }
}
