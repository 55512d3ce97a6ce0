type Json = any;

/** A streaming response of newline-delimited JSON, read one line at a time. */
export interface JsonLineStream {
  status: number;
  headers: Headers;
  /** The next line, parsed; rejects when the response ends first. */
  next(): Promise<Json>;
  /** The next `count` lines, parsed. */
  take(count: number): Promise<Json[]>;
  /** Lines up to and including the first one `isLast` accepts, parsed. */
  readUntil(isLast: (line: Json) => boolean): Promise<Json[]>;
  /** Disconnects, as a client leaving the page would. */
  close(): void;
}

/** Sends a GET with Node's fetch and reads its body as newline-delimited JSON. */
export async function openJsonLineStream(
  url: string,
  headers: Record<string, string>,
): Promise<JsonLineStream> {
  const abort = new AbortController();
  const response = await fetch(url, { headers, signal: abort.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = '';

  const next = async (): Promise<Json> => {
    for (;;) {
      const newline = buffered.indexOf('\n');
      if (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        return JSON.parse(line);
      }
      const { done, value } = await reader.read();
      if (done) throw new Error(`The stream ended; unread: "${buffered}"`);
      buffered += decoder.decode(value, { stream: true });
    }
  };

  return {
    status: response.status,
    headers: response.headers,
    next,
    async take(count) {
      const lines = [];
      while (lines.length < count) lines.push(await next());
      return lines;
    },
    async readUntil(isLast) {
      const lines = [];
      for (;;) {
        const line = await next();
        lines.push(line);
        if (isLast(line)) return lines;
      }
    },
    close: () => abort.abort(),
  };
}
