import { mockServices } from '@backstage/backend-test-utils';
import { PromotionRecord } from '../ledger';
import { PromotionEvents } from './PromotionEvents';

const promotion = (state: PromotionRecord['state']) =>
  ({ id: 'p-1', state } as PromotionRecord);

describe('PromotionEvents', () => {
  it('delivers every change to every listener once, in the order announced', async () => {
    const events = new PromotionEvents(mockServices.logger.mock());
    const heard: string[] = [];
    events.subscribe('slow', async p => {
      await new Promise(r => setTimeout(r, p.state === 'pending' ? 30 : 0));
      heard.push(`slow:${p.state}`);
    });
    events.subscribe('fast', async p => {
      heard.push(`fast:${p.state}`);
    });

    events.announce(promotion('pending'));
    events.announce(promotion('committed'));
    await events.settled();

    expect(heard.filter(h => h.startsWith('slow:'))).toEqual([
      'slow:pending',
      'slow:committed',
    ]);
    // the slow listener held no one else up
    expect(heard.slice(0, 2)).toEqual(['fast:pending', 'fast:committed']);
  });

  it('returns to the announcer at once and logs a failing listener as a warning', async () => {
    const logger = mockServices.logger.mock();
    const events = new PromotionEvents(logger);
    const heard: string[] = [];
    events.subscribe('notifications', async () => {
      throw new Error('notifications backend unreachable');
    });
    events.subscribe('signals', async p => {
      heard.push(p.state);
    });

    expect(() => events.announce(promotion('failed'))).not.toThrow();
    expect(heard).toEqual([]);
    await events.settled();

    expect(heard).toEqual(['failed']);
    expect(logger.warn).toHaveBeenCalledWith(
      'Could not tell notifications that promotion p-1 is failed: Error: notifications backend unreachable',
    );
  });

  it('stops waiting for a listener that hangs after the given time', async () => {
    const events = new PromotionEvents(mockServices.logger.mock());
    events.subscribe('hanging', () => new Promise<void>(() => {}));
    events.announce(promotion('deployed'));
    await expect(events.settled({ timeoutMs: 20 })).resolves.toBeUndefined();
  });
});
