import { PullRequestProvider, PullRequestRef } from '../repository/types';

/** What {@link PullRequestProvider.openPullRequest} is asked. */
export type OpenPullRequestRequest = Parameters<
  PullRequestProvider['openPullRequest']
>[0];

/** The host-specific steps of {@link openPullRequestOnce}. */
export interface OpenPullRequestSteps {
  /**
   * Look for the branch's open pull request before creating one, for hosts
   * whose create call does not refuse every duplicate (it may update the
   * open one instead, or the duplicate check is narrower than "same branch").
   */
  findFirst: boolean;
  /** The open pull request of the branch, if any. */
  find: () => Promise<PullRequestRef | undefined>;
  create: () => Promise<PullRequestRef>;
  /** True when the create call failed because the pull request exists (a concurrent open won). */
  isAlreadyExists: (error: unknown) => boolean;
  /** Where to look after an "already exists" answer; defaults to `find`. */
  findExisting?: (error: unknown) => Promise<PullRequestRef | undefined>;
  /** Translates a failure into an @backstage/errors error (translated ones pass through). */
  mapError: (error: unknown) => Error;
}

/**
 * Opens a pull request idempotently per head branch: when one from the
 * branch is already open (opened by a concurrent request, say), that one is
 * returned. After an "already exists" answer the open pull request is looked
 * up again; when it cannot be found, the original failure stands.
 */
export async function openPullRequestOnce(
  steps: OpenPullRequestSteps,
): Promise<PullRequestRef> {
  try {
    if (steps.findFirst) {
      const existing = await steps.find();
      if (existing) return existing;
    }
    return await steps.create();
  } catch (error) {
    if (steps.isAlreadyExists(error)) {
      let existing: PullRequestRef | undefined;
      try {
        existing = steps.findExisting
          ? await steps.findExisting(error)
          : await steps.find();
      } catch (lookupError) {
        throw steps.mapError(lookupError);
      }
      if (existing) return existing;
    }
    throw steps.mapError(error);
  }
}

/** Runs `work`, translating any failure with `mapError`. */
export async function withMappedErrors<T>(
  work: () => Promise<T>,
  mapError: (error: unknown) => Error,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw mapError(error);
  }
}
