import { ConflictError, NotFoundError } from '@backstage/errors';
import { HostFailure, mapHostFailure } from './mapHostFailure';

const context = {
  hostName: 'Forge',
  host: 'forge.example.com',
  repository: 'team/repo',
  action: 'read pull request #3',
  notFound: 'Pull request #3 does not exist in team/repo',
  redact: (text: string) => text.replace('s3cret', '***'),
  credentialsHint: 'check integrations.forge',
};

describe('mapHostFailure', () => {
  it.each<[string, HostFailure, string, string]>([
    [
      'not found',
      { status: 404, message: 'nope' },
      'NotFoundError',
      'Pull request #3 does not exist in team/repo',
    ],
    [
      'rate limited',
      { status: 429, message: '', headers: { 'retry-after': '30' } },
      'ServiceUnavailableError',
      "Forge's rate limit at forge.example.com for team/repo is exhausted (HTTP 429) when trying to read pull request #3; try again in 30 seconds",
    ],
    [
      'refused',
      { status: 401, message: 'bad token s3cret' },
      'ServiceUnavailableError',
      "Forge at forge.example.com refused the plugin's credentials for team/repo (HTTP 401) when trying to read pull request #3: bad token ***; check integrations.forge",
    ],
    [
      'conflict',
      { status: 409, message: 'busy' },
      'ConflictError',
      'Forge could not read pull request #3 for team/repo (HTTP 409: busy)',
    ],
    [
      'server error',
      { status: 502, message: '' },
      'ServiceUnavailableError',
      'Forge at forge.example.com could not read pull request #3 for team/repo (HTTP 502); try again later',
    ],
    [
      'no answer',
      { network: true, message: 'socket hang up' },
      'ServiceUnavailableError',
      'Could not reach Forge at forge.example.com for team/repo when trying to read pull request #3: socket hang up; try again later',
    ],
  ])('%s', (_, failure, name, message) => {
    const mapped = mapHostFailure(new Error('x'), failure, context);
    expect(mapped.name).toBe(name);
    expect(mapped.message).toBe(message);
  });

  it('passes translated errors through and describes network failures', () => {
    const conflict = new ConflictError('already ours');
    expect(mapHostFailure(conflict, undefined, context)).toBe(conflict);
    const failed = new TypeError('fetch failed', {
      cause: Object.assign(new Error('x'), { code: 'ENOTFOUND' }),
    });
    expect(mapHostFailure(failed, undefined, context).message).toBe(
      'Could not reach Forge at forge.example.com for team/repo when trying to read pull request #3: fetch failed (ENOTFOUND); try again later',
    );
  });

  it('lets the host classify, answer and word its own cases', () => {
    const rules = {
      special: (failure: HostFailure) => {
        if (failure.status === 203) return 'refused' as const;
        if (failure.status === 418) return new NotFoundError('teapot');
        return undefined;
      },
      wording: { refused: () => 'refused in our words' },
    };
    const map = (status: number) =>
      mapHostFailure(new Error('x'), { status, message: '' }, context, rules)
        .message;
    expect(map(203)).toBe('refused in our words');
    expect(map(418)).toBe('teapot');
    expect(map(404)).toBe(context.notFound);
  });
});
