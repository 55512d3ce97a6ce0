/**
 * Announcements: promotion state changes and Argo CD status changes as
 * Backstage signals (live pages) and notifications (people).
 */
export { createAnnouncements } from './createAnnouncements';
export { PromotionEvents } from './PromotionEvents';
export type { PromotionListener } from './PromotionEvents';
export { PromotionNotifier } from './PromotionNotifier';
export { SignalPublisher } from './SignalPublisher';
export { NotificationSender } from './NotificationSender';
