import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

/** Shown in the scaffolder's action list (/create/actions). */
export const examples: TemplateExample[] = [
  {
    description:
      'Registers a service in every environment with the default layout',
    example: stringify({
      steps: [
        {
          id: 'gitops',
          action: 'gitops-promotion:register-service',
          name: 'Register in the GitOps repository',
          input: {
            service: '${{ parameters.name }}',
            imageRepository: '${{ parameters.imageRepository }}',
            version: '${{ parameters.version }}',
          },
        },
      ],
    }),
  },
  {
    description:
      'Registers a service in dev and staging only, with a chosen layout',
    example: stringify({
      steps: [
        {
          id: 'gitops',
          action: 'gitops-promotion:register-service',
          name: 'Register in the GitOps repository',
          input: {
            service: 'billing',
            imageRepository: 'ghcr.io/acme/billing',
            version: '0.1.0',
            layout: 'helm-values-per-env',
            environments: ['dev', 'staging'],
          },
        },
      ],
    }),
  },
];
