export function shortSha(sha: string) {
  return sha.slice(0, 7);
}

/** An entity ref as people say it: `user:default/priya` is `priya`. */
export function shortRef(ref: string) {
  return ref.replace(/^[^:/]+:(default\/)?/, '');
}

/** `n word`, with an s unless n is 1. */
export function plural(n: number, word: string) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The title of an environment by name, the name when it is not known. */
export function titleOf(
  environments: Array<{ name: string; title: string }>,
  name: string,
) {
  return environments.find(e => e.name === name)?.title ?? name;
}

/** A fresh key for a write the server must perform at most once. */
export function newIdempotencyKey() {
  if (typeof globalThis.crypto?.randomUUID === 'function') {
    return globalThis.crypto.randomUUID();
  }
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
