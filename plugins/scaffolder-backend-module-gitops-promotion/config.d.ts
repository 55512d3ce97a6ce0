export interface Config {
  gitopsPromotion?: {
    /**
     * Development only, enabled by configuration alone (NODE_ENV plays no part): the root
     * app-config.yaml sets it for `yarn start`, app-config.production.yaml removes it with
     * `development: null`.
     * @visibility backend
     */
    development?: {
      /**
       * Development only: enables the scaffolder action
       * `gitops-promotion:register-local-entity`, which registers a template's entity in the
       * local catalog without a Git host: it writes the entity file to
       * `<directory>/<name>/catalog-info.yaml`, lists it in the index `<directory>/catalog-info.yaml`
       * (a Location entity, created at startup), asks the catalog to read the index again and
       * waits until the entity is there. Without it the action does not exist.
       * @visibility backend
       */
      localCatalog?: {
        /**
         * Where the entity files go; relative paths resolve against the backend's working
         * directory. `catalog.locations` must read its index:
         * `{ type: file, target: <directory>/catalog-info.yaml }` (checked at startup).
         */
        directory: string;
        /** How long the action waits for the entity to appear in the catalog. Defaults to 60. */
        waitSeconds?: number;
      };
    };
  };
}
