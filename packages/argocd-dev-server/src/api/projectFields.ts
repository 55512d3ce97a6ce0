type Json = unknown;

/**
 * Applies Argo CD's `fields` query parameter to a response the way its API
 * server's generic JSON forwarder does: `fields=items.metadata.name,...`
 * keeps the listed paths (and their whole subtrees), dropping everything
 * else, including the list's own `metadata` unless it is listed; arrays are
 * walked transparently; a leading `-` excludes the listed paths instead.
 */
export function projectFields<T extends Json>(body: T, fields: string): T {
  if (!fields) return body;
  const exclude = fields.startsWith('-');
  const wanted = new Set((exclude ? fields.slice(1) : fields).split(','));
  const copy = JSON.parse(JSON.stringify(body));
  const visit = (path: string[], node: Json): void => {
    if (Array.isArray(node)) {
      node.forEach(item => visit(path, item));
      return;
    }
    if (!node || typeof node !== 'object') return;
    const object = node as Record<string, Json>;
    for (const key of Object.keys(object)) {
      const fieldPath = [...path, key].join('.');
      const listed = wanted.has(fieldPath);
      const prefixOfListed =
        listed || [...wanted].some(w => w.startsWith(fieldPath));
      const keep = exclude ? !listed : prefixOfListed;
      if (!keep) {
        delete object[key];
      } else if (!listed) {
        visit([...path, key], object[key]);
      }
    }
  };
  visit([], copy);
  return copy;
}
