import { mockServices } from '@backstage/backend-test-utils';
import { StatusChangeNotifier } from './StatusChangeNotifier';

describe('StatusChangeNotifier', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('reports a burst of changes once per instance and batch window', () => {
    const logger = mockServices.logger.mock();
    const notifier = new StatusChangeNotifier(logger, 100);
    const heard: Array<[string, string[]]> = [];
    notifier.subscribe(() => {
      throw new Error('broken listener');
    });
    const unsubscribe = notifier.subscribe((instance, names) =>
      heard.push([instance, names]),
    );
    for (let i = 0; i < 1000; i++) notifier.add('hub', [`app-${i % 3}`]);
    notifier.add('prod', ['cart-prod']);
    notifier.add('prod', []);
    expect(heard).toEqual([]);

    jest.advanceTimersByTime(100);
    expect(heard).toEqual([
      ['hub', ['app-0', 'app-1', 'app-2']],
      ['prod', ['cart-prod']],
    ]);
    expect(logger.warn).toHaveBeenCalledTimes(2);

    unsubscribe();
    notifier.add('hub', ['app-0']);
    jest.advanceTimersByTime(100);
    expect(heard).toHaveLength(2);
  });

  it('drops what is pending on close', () => {
    const notifier = new StatusChangeNotifier(undefined, 100);
    const listener = jest.fn();
    notifier.subscribe(listener);
    notifier.add('hub', ['a']);
    notifier.close();
    jest.advanceTimersByTime(1000);
    expect(listener).not.toHaveBeenCalled();
  });
});
