import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import { GitopsPromotionConfig } from '../../config/types';
import { NotificationSender } from './NotificationSender';
import { PromotionEvents } from './PromotionEvents';
import { PromotionNotifier } from './PromotionNotifier';
import { SignalPublisher } from './SignalPublisher';

/**
 * What tells the world about promotions: the event hub the ledger announces
 * state changes to, with a signal and a notification listener subscribed,
 * and both also for the status watcher.
 */
export function createAnnouncements(deps: {
  config: GitopsPromotionConfig;
  logger: LoggerService;
  signals: SignalsService;
  notifications: NotificationService;
  catalog: CatalogService;
  auth: AuthService;
}) {
  const events = new PromotionEvents(deps.logger);
  const signals = new SignalPublisher(deps.signals);
  const notifier = new PromotionNotifier({
    config: deps.config,
    catalog: deps.catalog,
    auth: deps.auth,
    sender: new NotificationSender(deps.notifications, deps.logger),
  });
  events.subscribe('signals', signals.promotionChanged);
  events.subscribe('notifications', notifier.promotionChanged);
  return { events, signals, notifier };
}
