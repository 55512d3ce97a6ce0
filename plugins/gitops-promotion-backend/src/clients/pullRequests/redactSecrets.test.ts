import { describeNetworkError, redactSecrets } from './redactSecrets';

describe('redactSecrets', () => {
  it.each([
    ['s3cret in s3cret', { secrets: ['s3cret'] }, '*** in ***'],
    ['abc stays', { secrets: ['abc'], minSecretLength: 4 }, 'abc stays'],
    ['Authorization: Bearer abc.def', {}, 'Authorization: Bearer ***'],
    ['https://user:pw@host/x', {}, 'https://***@host/x'],
    ['https://h/x?a=1&token=t0k', {}, 'https://h/x?a=1&token=***'],
    ['https://h/x?pat=p', { queryParams: ['pat'] }, 'https://h/x?pat=***'],
    [
      'glpat-abcdefgh1234',
      { patterns: [[/\bglpat-\w+/g, '***']] as Array<[RegExp, string]> },
      '***',
    ],
  ])('%s', (message, options, expected) => {
    expect(redactSecrets(message, options)).toBe(expected);
  });
});

describe('describeNetworkError', () => {
  const cause = Object.assign(new Error('connect refused'), {
    code: 'ECONNREFUSED',
  });
  const failed = new TypeError('fetch failed', { cause });
  const timeout = Object.assign(new Error('aborted'), { name: 'TimeoutError' });
  it.each([
    ['code or message', failed, {}, 'fetch failed (ECONNREFUSED)'],
    [
      'code and message',
      failed,
      { cause: 'codeAndMessage' as const },
      'fetch failed (ECONNREFUSED connect refused)',
    ],
    [
      'message',
      failed,
      { cause: 'message' as const },
      'fetch failed (connect refused)',
    ],
    [
      'fetch failed only',
      new Error('other', { cause }),
      { causeOfFetchFailedOnly: true },
      'other',
    ],
    [
      'timeout',
      timeout,
      {
        timeout: (e: Error) => (e.name === 'TimeoutError' ? 'late' : undefined),
      },
      'late',
    ],
    ['not an error', 'boom', {}, 'boom'],
  ])('%s', (_, error, style, expected) => {
    expect(describeNetworkError(error, style)).toBe(expected);
  });
});
