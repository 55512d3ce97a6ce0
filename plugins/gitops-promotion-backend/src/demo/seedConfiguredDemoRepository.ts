import { LoggerService } from '@backstage/backend-plugin-api';
import path from 'node:path';
import { GitopsPromotionConfig } from '../config/types';
import { seedDemoRepository } from './seedDemoRepository';

/**
 * Seeds the repository named by `gitopsPromotion.development.seedRepository`,
 * if any: development only by configuration (the root app-config.yaml sets it
 * for `yarn start`, app-config.production.yaml removes it), whatever NODE_ENV
 * says.
 */
export async function seedConfiguredDemoRepository(
  config: GitopsPromotionConfig,
  logger: LoggerService,
): Promise<void> {
  const seed = config.development?.seedRepository;
  if (!seed) {
    return;
  }
  const repository = config.repositories.find(r => r.id === seed.repository)!;
  await seedDemoRepository({
    from: path.resolve(seed.from),
    history: path.resolve(seed.history),
    target: path.resolve(repository.url),
    logger,
  });
}
