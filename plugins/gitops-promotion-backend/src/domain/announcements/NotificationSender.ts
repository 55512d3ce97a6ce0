import { LoggerService } from '@backstage/backend-plugin-api';
import {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';

/**
 * Sends notifications without ever failing the caller. The notifications
 * service's default implementation posts to the notifications backend, so in
 * a Backstage without that plugin every send fails (a 404): the first failure
 * is a warning, later ones are logged at debug level until a send works again.
 */
export class NotificationSender {
  private failing = false;

  constructor(
    private readonly notifications: NotificationService,
    private readonly logger: LoggerService,
  ) {}

  async send(options: NotificationSendOptions): Promise<void> {
    try {
      await this.notifications.send(options);
      if (this.failing) {
        this.logger.info('Notifications are sent again');
        this.failing = false;
      }
    } catch (error) {
      const message = `Could not send the notification "${options.payload.title}"; promotions go on without it (is the notifications backend plugin installed?): ${error}`;
      if (this.failing) {
        this.logger.debug(message);
      } else {
        this.logger.warn(message);
        this.failing = true;
      }
    }
  }
}
