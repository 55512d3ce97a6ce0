import { PullRequestRef } from '../repository/types';
import { openPullRequestOnce } from './openPullRequestOnce';

const open: PullRequestRef = {
  number: 1,
  url: 'u',
  branch: 'b',
  state: 'open',
};
const created: PullRequestRef = { ...open, number: 2 };
const duplicate = new Error('already exists');
const other = new Error('other');

describe('openPullRequestOnce', () => {
  it.each<
    [
      string,
      {
        findFirst: boolean;
        found: (PullRequestRef | undefined)[];
        create: PullRequestRef | Error;
      },
      PullRequestRef | string,
      number,
    ]
  >([
    ['creates', { findFirst: false, found: [], create: created }, created, 0],
    [
      'finds first',
      { findFirst: true, found: [open], create: created },
      open,
      1,
    ],
    [
      'creates after an empty look-up',
      { findFirst: true, found: [undefined], create: created },
      created,
      1,
    ],
    [
      'returns the one a concurrent open made',
      { findFirst: false, found: [open], create: duplicate },
      open,
      1,
    ],
    [
      'keeps the duplicate failure when nothing is found',
      { findFirst: true, found: [undefined, undefined], create: duplicate },
      'mapped: already exists',
      2,
    ],
    [
      'maps other failures without looking again',
      { findFirst: false, found: [open], create: other },
      'mapped: other',
      0,
    ],
  ])('%s', async (_, setup, expected, finds) => {
    const found = [...setup.found];
    const find = jest.fn(async () => found.shift());
    const result = openPullRequestOnce({
      findFirst: setup.findFirst,
      find,
      create: async () => {
        if (setup.create instanceof Error) throw setup.create;
        return setup.create;
      },
      isAlreadyExists: error => error === duplicate,
      mapError: error => new Error(`mapped: ${(error as Error).message}`),
    });
    const outcome = await result.catch((error: Error) => error.message);
    expect(outcome).toBe(expected);
    expect(find).toHaveBeenCalledTimes(finds);
  });

  it('maps a failure of the second look-up', async () => {
    await expect(
      openPullRequestOnce({
        findFirst: false,
        find: async () => {
          throw other;
        },
        create: async () => {
          throw duplicate;
        },
        isAlreadyExists: error => error === duplicate,
        findExisting: async () => {
          throw other;
        },
        mapError: error => new Error(`mapped: ${(error as Error).message}`),
      }),
    ).rejects.toThrow('mapped: other');
  });
});
