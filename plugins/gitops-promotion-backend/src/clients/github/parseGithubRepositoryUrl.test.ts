import { InputError } from '@backstage/errors';
import { parseGithubRepositoryUrl } from './parseGithubRepositoryUrl';

describe('parseGithubRepositoryUrl', () => {
  it.each([
    ['https://github.com/acme/gitops', 'github.com', 'acme', 'gitops'],
    ['https://github.com/acme/gitops.git', 'github.com', 'acme', 'gitops'],
    ['https://github.com/acme/gitops/', 'github.com', 'acme', 'gitops'],
    [
      'https://ghe.example.com/platform/deploy',
      'ghe.example.com',
      'platform',
      'deploy',
    ],
    ['http://127.0.0.1:4567/acme/gitops', '127.0.0.1:4567', 'acme', 'gitops'],
  ])('parses %s', (url, host, owner, repo) => {
    expect(parseGithubRepositoryUrl(url)).toEqual({ host, owner, repo });
  });

  it.each([
    'github.com/acme/gitops',
    'https://github.com/acme',
    'https://github.com/acme/gitops/tree/main',
    'ssh://git@github.com/acme/gitops',
    'https://github.com/acme/gitops?x=1',
    'https://github.com/../gitops',
  ])('refuses %s', url => {
    expect(() => parseGithubRepositoryUrl(url)).toThrow(InputError);
  });

  it('does not echo credentials embedded in a URL', () => {
    expect(() =>
      parseGithubRepositoryUrl('https://user:secret@github.com/acme'),
    ).toThrow(
      /^Invalid GitHub repository URL 'https:\/\/\*\*\*@github.com\/acme'/,
    );
  });
});
