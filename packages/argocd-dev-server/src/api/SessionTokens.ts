import {
  createHmac,
  randomBytes,
  randomUUID,
  timingSafeEqual,
} from 'node:crypto';

const base64url = (data: string | Buffer) =>
  Buffer.from(data).toString('base64url');

/**
 * Issues and verifies JWT-shaped session tokens (HS256, `sub`, `iat`, `exp`)
 * like Argo CD's `POST /api/v1/session`, signed with a key that lives as long
 * as the process.
 */
export class SessionTokens {
  private readonly key = randomBytes(32);

  constructor(private readonly ttlSeconds: number) {}

  /** A new token for `username`, valid for the configured lifetime. */
  issue(username: string, now = Date.now()): string {
    const iat = Math.floor(now / 1000);
    const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = base64url(
      JSON.stringify({
        iss: 'argocd',
        sub: username,
        nbf: iat,
        iat,
        exp: iat + this.ttlSeconds,
        jti: randomUUID(),
      }),
    );
    return `${header}.${payload}.${this.sign(`${header}.${payload}`)}`;
  }

  /** Why the token is not valid, or undefined when it is. */
  problem(token: string, now = Date.now()): string | undefined {
    const [header, payload, signature] = token.split('.');
    if (!header || !payload || !signature)
      return 'token contains an invalid number of segments';
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const actual = Buffer.from(signature);
    if (
      expected.length !== actual.length ||
      !timingSafeEqual(expected, actual)
    ) {
      return 'signature is invalid';
    }
    const { exp } = JSON.parse(
      Buffer.from(payload, 'base64url').toString('utf8'),
    );
    if (typeof exp !== 'number' || exp * 1000 <= now) return 'token is expired';
    return undefined;
  }

  private sign(content: string): string {
    return createHmac('sha256', this.key).update(content).digest('base64url');
  }
}
