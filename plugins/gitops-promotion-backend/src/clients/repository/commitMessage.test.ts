import { formatCommitMessage } from './commitMessage';

/** The message's last paragraph: what git reads as the trailer block. */
const trailerBlock = (message: string) =>
  message.trimEnd().split('\n\n').pop()!.split('\n');

describe('formatCommitMessage', () => {
  const requester = {
    entityRef: 'user:default/jane',
    name: 'Jane Doe',
    email: 'jane@acme.test',
  };

  it('ends with the trailers: who asked, one Promotion-Id per record in order, the co-author', () => {
    expect(
      formatCommitMessage({
        subject: 'Promote checkout 2.6.1 to staging',
        body: ['checkout image.tag: 2.5.0 -> 2.6.1 (envs/staging/x.yaml)'],
        requester,
        promotionIds: ['id-1', 'id-2'],
      }),
    ).toBe(
      [
        'Promote checkout 2.6.1 to staging',
        '',
        'checkout image.tag: 2.5.0 -> 2.6.1 (envs/staging/x.yaml)',
        '',
        'Promoted-by: user:default/jane',
        'Promotion-Id: id-1',
        'Promotion-Id: id-2',
        'Co-authored-by: Jane Doe <jane@acme.test>',
        '',
      ].join('\n'),
    );
  });

  it('has no Promotion-Id without records', () => {
    expect(
      trailerBlock(formatCommitMessage({ subject: 's', requester })),
    ).toEqual([
      'Promoted-by: user:default/jane',
      'Co-authored-by: Jane Doe <jane@acme.test>',
    ]);
  });

  it.each([
    [
      'a newline and a trailer',
      'Jane\nPromotion-Id: evil',
      'Jane Promotion-Id: evil',
    ],
    [
      'a blank line and a trailer',
      'Jane\n\nPromotion-Id: evil\n',
      'Jane Promotion-Id: evil',
    ],
    [
      'a carriage return',
      'Jane\rPromotion-Id: evil',
      'Jane Promotion-Id: evil',
    ],
    ['CRLF', 'Jane\r\nSigned-off-by: x', 'Jane Signed-off-by: x'],
    [
      'a line separator',
      'Jane\u2028Promotion-Id: evil',
      'Jane Promotion-Id: evil',
    ],
    [
      'a paragraph separator',
      'Jane\u2029Promotion-Id: evil',
      'Jane Promotion-Id: evil',
    ],
    [
      'a next-line control',
      'Jane\u0085Promotion-Id: evil',
      'Jane Promotion-Id: evil',
    ],
    ['a NUL', 'Ja\u0000ne', 'Ja ne'],
    ['tabs and runs of spaces', '  Jane \t  Doe  ', 'Jane Doe'],
    ['an address of its own', 'Jane <x@y>', 'Jane x@y'],
    ['only brackets and controls', '<>\n\u0000', 'jane'],
    ['an empty name', '', 'jane'],
  ])('keeps a display name with %s on its trailer line', (_, name, shown) => {
    const message = formatCommitMessage({
      subject: 'Promote checkout 2.6.1 to staging',
      requester: { ...requester, name },
      promotionIds: ['id-1'],
    });
    expect(message.split('\n')).toEqual([
      'Promote checkout 2.6.1 to staging',
      '',
      'Promoted-by: user:default/jane',
      'Promotion-Id: id-1',
      `Co-authored-by: ${shown} <jane@acme.test>`,
      '',
    ]);
    // eslint-disable-next-line no-control-regex
    expect(message).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u2028\u2029]/);
  });

  it.each([
    ['a newline and a trailer', 'jane@acme.test\nPromotion-Id: evil'],
    ['angle brackets', 'jane@acme.test> <evil@x'],
    ['a space', 'jane doe@acme.test'],
    ['no @', 'jane'],
    ['a NUL', 'jane@acme\u0000.test'],
    ['a line separator', 'jane@acme.test\u2028Promotion-Id: evil'],
    ['nothing', ''],
  ])('replaces an e-mail with %s by the synthetic one', (_, email) => {
    expect(
      trailerBlock(
        formatCommitMessage({
          subject: 's',
          requester: { ...requester, email },
          promotionIds: ['id-1'],
        }),
      ),
    ).toEqual([
      'Promoted-by: user:default/jane',
      'Promotion-Id: id-1',
      'Co-authored-by: Jane Doe <jane@users.backstage.invalid>',
    ]);
  });

  it('keeps the subject and every body entry on one line each', () => {
    const message = formatCommitMessage({
      subject: 'Promote\nPromotion-Id: evil',
      body: ['a\n\nPromotion-Id: evil', '\r\n'],
      requester,
    });
    expect(message.split('\n')).toEqual([
      'Promote Promotion-Id: evil',
      '',
      'a Promotion-Id: evil',
      '',
      'Promoted-by: user:default/jane',
      'Co-authored-by: Jane Doe <jane@acme.test>',
      '',
    ]);
  });

  it('names a service caller by its subject', () => {
    expect(
      trailerBlock(
        formatCommitMessage({
          subject: 's',
          requester: {
            entityRef: 'service:external:ci\nPromotion-Id: evil',
            name: '',
            email: '',
          },
        }),
      ),
    ).toEqual([
      'Promoted-by: service:external:ci Promotion-Id: evil',
      'Co-authored-by: external:ci Promotion-Id: evil <external-ci-Promotion-Id--evil@services.backstage.invalid>',
    ]);
  });
});
