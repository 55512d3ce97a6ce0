import { coalesce } from './coalesce';

/** A run the test finishes by hand, recording how many were started. */
function controlledRun() {
  const finishers: Array<() => void> = [];
  const run = jest.fn(
    () => new Promise<void>(resolve => finishers.push(resolve)),
  );
  const finishNext = async () => {
    finishers.shift()!();
    // let the promise callbacks after the run (the next run's start) happen
    await new Promise(resolve => setTimeout(resolve, 0));
  };
  return { run, finishNext };
}

describe('coalesce', () => {
  it('runs at once when nothing runs', () => {
    const { run } = controlledRun();
    coalesce(run)();
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('answers a burst of asks during a run with one more run after it', async () => {
    const { run, finishNext } = controlledRun();
    const ask = coalesce(run);
    ask();
    for (let i = 0; i < 20; i++) ask();
    expect(run).toHaveBeenCalledTimes(1);
    await finishNext();
    expect(run).toHaveBeenCalledTimes(2);
    await finishNext();
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('settles an ask only once a run started after it is done', async () => {
    const { run, finishNext } = controlledRun();
    const ask = coalesce(run);
    ask();
    const settled = jest.fn();
    ask().then(settled);
    await finishNext();
    expect(settled).not.toHaveBeenCalled();
    await finishNext();
    expect(settled).toHaveBeenCalled();
  });

  it('runs again when asked after the runs are done', async () => {
    const { run, finishNext } = controlledRun();
    const ask = coalesce(run);
    ask();
    await finishNext();
    ask();
    expect(run).toHaveBeenCalledTimes(2);
  });
});
