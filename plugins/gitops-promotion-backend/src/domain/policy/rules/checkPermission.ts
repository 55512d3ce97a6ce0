import { gitopsPromotionEnvironmentPromotePermission } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { PolicyInput, PolicyVerdict } from '../types';

/** The caller's `gitops-promotion.environment.promote` decision for the target. */
export function checkPermission(
  input: Pick<PolicyInput, 'target' | 'permissions'>,
): PolicyVerdict {
  const name = gitopsPromotionEnvironmentPromotePermission.name;
  return input.permissions.promote
    ? {
        rule: 'permission',
        passed: true,
        message: `Permission: you may promote to ${input.target} (${name}).`,
      }
    : {
        rule: 'permission',
        passed: false,
        message: `Permission: you may not promote to ${input.target}. Ask an administrator to grant you ${name} for ${input.target}.`,
      };
}
