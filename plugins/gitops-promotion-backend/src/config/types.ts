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

/** An upstream whose versions the backend promotes into this environment by itself. */
export interface AutoPromotionEdge {
  environment: string;
  /** How long the upstream must run a version Synced and Healthy first. */
  afterMs: number;
}

/** Who must approve a promotion into an environment before it is written. */
export interface ApprovalsConfig {
  /** Approvals needed (1-10). */
  required: number;
  /** Group entity refs (canonical) whose members may decide. */
  from: string[];
}

/** A check a rollout must pass before the promotion counts as deployed. */
export type VerificationCheckConfig =
  | {
      type: 'argocd-health';
      name: string;
      /** Argo CD must report the application Healthy this long without a break. */
      forMs: number;
    }
  | {
      type: 'http';
      name: string;
      /** From the configuration only; `{service}` and `{env}` are filled in. */
      url: string;
      timeoutMs: number;
      /** Default: any 2xx. */
      expectStatus?: number;
    }
  | {
      type: 'webhook';
      name: string;
      /** POSTed the promotion; answers `{ "passed": boolean, "message"?: string }`. */
      url: string;
      timeoutMs: number;
    };

export interface EnvironmentConfig {
  name: string;
  title: string;
  promotesFrom: string[];
  /** The entries of `promotesFrom` with `auto: true`. */
  autoPromotesFrom: AutoPromotionEdge[];
  approvals?: ApprovalsConfig;
  verification: VerificationCheckConfig[];
  /** A promotion whose rollout or verification failed is rolled back automatically. */
  rollbackOnFailure: boolean;
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
  autoPromotion: AutoPromotionConfig;
}

/** `gitopsPromotion.autoPromotion`. */
export interface AutoPromotionConfig {
  /**
   * A static token of `backend.auth.externalAccess`: the service principal
   * (its subject and access restrictions) automatic promotions and rollbacks
   * are made as. Without it the backend acts as itself (`plugin:gitops-promotion`).
   */
  token?: string;
  /** How often the scheduler looks for versions to promote. */
  frequencyMs: number;
}
