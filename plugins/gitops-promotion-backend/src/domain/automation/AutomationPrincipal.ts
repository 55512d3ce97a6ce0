import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';

/**
 * Who the backend is when it promotes or rolls back by itself: the service
 * principal of `gitopsPromotion.autoPromotion.token` (a static token of
 * `backend.auth.externalAccess`, whose access restrictions the permission
 * framework applies), else the plugin itself. The token is only ever handed
 * to the auth service, never logged or returned.
 */
export class AutomationPrincipal {
  constructor(private readonly deps: { auth: AuthService; token?: string }) {}

  credentials(): Promise<BackstageCredentials> {
    const { auth, token } = this.deps;
    return token ? auth.authenticate(token) : auth.getOwnServiceCredentials();
  }
}
