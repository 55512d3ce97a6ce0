import { RepositoryProvider } from '../clients/repository/types';

/** Wraps a provider and counts the calls the engine makes to it. */
export function countingProvider(provider: RepositoryProvider) {
  const counts = {
    getBranchHead: 0,
    listFiles: 0,
    readBlob: 0,
    fileHistory: 0,
    fileHistories: 0,
    tryCommit: 0,
  };
  const counted: RepositoryProvider = {
    getBranchHead: branch => {
      counts.getBranchHead++;
      return provider.getBranchHead(branch);
    },
    listFiles: sha => {
      counts.listFiles++;
      return provider.listFiles(sha);
    },
    readBlob: sha => {
      counts.readBlob++;
      return provider.readBlob(sha);
    },
    fileHistory: (ref, path, limit) => {
      counts.fileHistory++;
      return provider.fileHistory(ref, path, limit);
    },
    ...(provider.fileHistories && {
      fileHistories: (ref: string, paths: string[], limit: number) => {
        counts.fileHistories++;
        return provider.fileHistories!(ref, paths, limit);
      },
    }),
    tryCommit: request => {
      counts.tryCommit++;
      return provider.tryCommit(request);
    },
  };
  return { provider: counted, counts };
}
