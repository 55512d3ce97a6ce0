/**
 * The values of a newline-delimited JSON body as its chunks arrive, one per
 * non-blank line; a line may span chunks and a chunk may hold many lines.
 * A last line without its newline is read too.
 *
 * @throws SyntaxError when a line is not JSON
 */
export async function* readJsonLines(
  chunks: AsyncIterable<Uint8Array | string>,
): AsyncGenerator<unknown, void, undefined> {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of chunks) {
    pending +=
      typeof chunk === 'string'
        ? chunk
        : decoder.decode(chunk, { stream: true });
    let start = 0;
    for (
      let newline = pending.indexOf('\n');
      newline >= 0;
      newline = pending.indexOf('\n', start)
    ) {
      const line = pending.slice(start, newline);
      start = newline + 1;
      if (line.trim()) yield JSON.parse(line);
    }
    pending = pending.slice(start);
  }
  pending += decoder.decode();
  if (pending.trim()) yield JSON.parse(pending);
}
