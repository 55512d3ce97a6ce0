// Tests start backends, git repositories and the Argo CD stand-in; on a busy
// 2-core CI machine their hooks can take longer than Jest's 5 s default.
jest.setTimeout(30_000);

export {};
