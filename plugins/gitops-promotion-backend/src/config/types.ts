/** A GitOps repository the plugin reads and writes. */
export interface RepositoryConfig {
  id: string;
  provider: 'github' | 'git';
  /**
   * The remote URL or local path. With `perService`, a template holding
   * `{service}`: one repository per service (`https://github.com/acme/{service}-delivery`).
   */
  url: string;
  /** One repository per service: `url` holds `{service}`. */
  perService: boolean;
  defaultBranch: string;
  /** How long a branch head read for a preview or the matrix serves other reads. */
  branchHeadTtlMs: number;
}

/** One file of a layout and the keys of the version value(s) in it. */
export interface LayoutFileConfig {
  /** Path template with `{service}` and `{env}` placeholders. */
  path: string;
  /** Key templates, e.g. `image.tag` or `images[name=ghcr.io/acme/{service}].newTag`. */
  keys: string[];
  /**
   * The file of a new service (`POST /services`), with `${{ service }}`,
   * `${{ env }}`, `${{ imageRepository }}` and `${{ version }}` placeholders.
   */
  template?: string;
  /**
   * When the target environment's file lacks a key (the version is inherited
   * from a base values file, or a shared overlay has no entry for the service
   * yet), a promotion inserts it, in the file's own style. Otherwise it is
   * refused (400).
   */
  createMissingKeys?: boolean;
}

export interface LayoutConfig {
  id: string;
  title: string;
  files: LayoutFileConfig[];
}

import { EnvironmentPolicy } from '../domain/policy/types';

export interface EnvironmentConfig {
  name: string;
  title: string;
  promotesFrom: string[];
  repository: string;
  branch: string;
  /** Mode, gate, immutability and freeze windows of promotions into this environment. */
  policy: EnvironmentPolicy;
  /** As configured; notificationsEnabled() applies the default. */
  notifications?: { enabled?: boolean };
}

export interface SeedRepositoryConfig {
  repository: string;
  from: string;
  history: string;
}

export interface GitopsPromotionConfig {
  /** Who commits: a service account; the requester is the author. */
  committer: { name: string; email: string };
  /** Where git caches of remote repositories live. */
  workingDirectory?: string;
  repositories: RepositoryConfig[];
  layouts: LayoutConfig[];
  defaultLayout: string;
  environments: EnvironmentConfig[];
  development?: { seedRepository?: SeedRepositoryConfig };
}
