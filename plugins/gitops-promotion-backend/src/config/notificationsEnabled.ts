import { EnvironmentConfig } from './types';

/**
 * Whether notifications about an environment are sent: as configured
 * (`notifications.enabled`), else for every environment promoted from
 * another one but not for first environments, which CI sets on every build.
 */
export function notificationsEnabled(
  environment: Pick<EnvironmentConfig, 'notifications' | 'promotesFrom'>,
): boolean {
  return (
    environment.notifications?.enabled ?? environment.promotesFrom.length > 0
  );
}
