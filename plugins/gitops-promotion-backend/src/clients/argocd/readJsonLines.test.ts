import { readJsonLines } from './readJsonLines';

async function* chunks(...parts: Array<string | Uint8Array>) {
  yield* parts;
}

const read = async (...parts: Array<string | Uint8Array>) => {
  const values = [];
  for await (const value of readJsonLines(chunks(...parts))) values.push(value);
  return values;
};

describe('readJsonLines', () => {
  const euro = Buffer.from('{"a":"€"}\n');
  it.each<[string, Array<string | Uint8Array>, unknown[]]>([
    ['one line per chunk', ['{"a":1}\n', '{"a":2}\n'], [{ a: 1 }, { a: 2 }]],
    [
      'lines across chunks',
      ['{"a"', ':1}\n{"a":', '2}\n'],
      [{ a: 1 }, { a: 2 }],
    ],
    [
      'a character cut in two',
      [euro.subarray(0, 7), euro.subarray(7)],
      [{ a: '€' }],
    ],
    ['blank lines and CRLF', ['\n{"a":1}\r\n\n'], [{ a: 1 }]],
    ['a last line without newline', ['{"a":1}\n{"a":2}'], [{ a: 1 }, { a: 2 }]],
    ['nothing', [], []],
  ])('reads %s', async (_name, parts, expected) => {
    await expect(read(...parts)).resolves.toEqual(expected);
  });

  it('throws on a line that is not JSON', async () => {
    await expect(read('{"a":1}\n<html>\n')).rejects.toBeInstanceOf(SyntaxError);
  });
});
