export interface Config {
  /**
   * The GitOps Promotion example permission policy
   * (`@gitops-promotion/backstage-plugin-permission-backend-module-gitops-promotion-policy`).
   */
  gitopsPromotionExamplePolicy?: {
    /**
     * Names of the production environments; `*` matches any characters. Defaults to `prod-*`.
     * @visibility backend
     */
    productionPattern?: string;
    /**
     * Group entity refs (user refs work too), e.g. `group:default/release-managers`. Their
     * members may promote into production the services they own (the service's owner is one of
     * the user's ownership entity refs: the user or one of their groups), and may override
     * freeze windows. Nobody else may do either. Defaults to none.
     * @visibility backend
     */
    releaseGroups?: string[];
    /**
     * Group or user entity refs allowed everything, unconditionally: every environment, every
     * service, freeze overrides (the only setting of earlier versions of this policy). Meant for
     * a demo's guest or a break-glass role. Defaults to none.
     * @visibility backend
     */
    productionPromoters?: string[];
  };
}
