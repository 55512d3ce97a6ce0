import { ConfigReader } from '@backstage/config';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readPluginConfig } from '../config/readPluginConfig';
import { GitopsPromotionConfig } from '../config/types';

/** The embedded default's gitopsPromotion section of app-config.yaml, validated. */
export function demoConfig(): GitopsPromotionConfig {
  const appConfig = parseYaml(
    fs.readFileSync(
      path.resolve(__dirname, '../../../../app-config.yaml'),
      'utf8',
    ),
  );
  return readPluginConfig(new ConfigReader(appConfig))!;
}

/** The eight example services and the layout each one's catalog entity picks. */
export const demoServices = [
  { service: 'checkout' },
  { service: 'payments' },
  { service: 'cart' },
  { service: 'storefront', layout: 'helm-values-per-env' },
  { service: 'search', layout: 'helm-values-per-env' },
  { service: 'notifications', layout: 'kustomize-overlay' },
  { service: 'inventory', layout: 'kustomize-overlay' },
  { service: 'ledger', layout: 'umbrella-chart' },
];
