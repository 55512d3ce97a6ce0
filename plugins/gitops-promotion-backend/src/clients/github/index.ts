export { createGithubProvider } from './createGithubProvider';
export type { CreateGithubProviderOptions } from './createGithubProvider';
export { GithubProvider } from './GithubProvider';
export type { GithubProviderOptions } from './GithubProvider';
export { GithubPullRequests } from './GithubPullRequests';
export type { GithubRequestPolicy } from './createOctokit';
