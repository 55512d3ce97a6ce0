import { isDigest } from '../policy';

/** `images[name=<name>].newTag` of a kustomization. */
const KUSTOMIZE_TAG = /^(.*images\[name=([^\]]+)\])\.newTag$/;
/** Helm's `tag`, with the keys beside it that name the image. */
const HELM_TAG = /^(?:(.*)\.)?tag$/;
const HELM_SIBLINGS = ['registry', 'repository', 'image', 'digest'];

/**
 * The keys beside an image tag key that tell which image it tags, to be
 * read with it: Helm's `registry`, `repository` (or `image`) and `digest`
 * next to `tag`; Kustomize's `newName` next to `newTag`. None for other keys.
 */
export function imageSiblingKeys(key: string): string[] {
  const kustomize = KUSTOMIZE_TAG.exec(key);
  if (kustomize) return [`${kustomize[1]}.newName`];
  const helm = HELM_TAG.exec(key);
  if (!helm) return [];
  return HELM_SIBLINGS.map(name => (helm[1] ? `${helm[1]}.${name}` : name));
}

/**
 * The full image reference the tag at `key` asks for, from the values of
 * {@link imageSiblingKeys} (`sibling` answers them; blank is absent), e.g.
 * `docker.io/bitnami/nginx:1.29.1` from `image.registry`, `image.repository`
 * and `image.tag`. Undefined when the file does not say which image.
 */
export function imageReferenceOf(
  key: string,
  tag: string,
  sibling: (key: string) => string | undefined,
): string | undefined {
  const [first, ...others] = imageSiblingKeys(key);
  if (first === undefined) return undefined;
  const valueOf = (k: string) => sibling(k)?.trim() || undefined;
  const kustomize = KUSTOMIZE_TAG.exec(key);
  if (kustomize) return withTag(valueOf(first) ?? kustomize[2], tag);
  const [repositoryKey, imageKey, digestKey] = others;
  const name = valueOf(repositoryKey) ?? valueOf(imageKey);
  if (!name) return undefined;
  const registry = valueOf(first);
  const repository =
    registry && !name.startsWith(`${registry}/`) ? `${registry}/${name}` : name;
  const digest = valueOf(digestKey);
  return digest ? `${repository}@${digest}` : withTag(repository, tag);
}

/**
 * An image reference as the container runtime reads it: Docker Hub's
 * implicit registry and `library/` spelled out (`nginx:1.29` is
 * `docker.io/library/nginx:1.29`), so that two spellings of one image
 * compare equal.
 */
export function normalizeImageReference(reference: string): string {
  const [first, ...rest] = reference.split('/');
  const hasRegistry =
    rest.length > 0 &&
    (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry =
    !hasRegistry || first === 'index.docker.io' ? 'docker.io' : first;
  const path = hasRegistry ? rest.join('/') : reference;
  return registry === 'docker.io' && !path.includes('/')
    ? `docker.io/library/${path}`
    : `${registry}/${path}`;
}

function withTag(repository: string, tag: string) {
  return isDigest(tag) ? `${repository}@${tag}` : `${repository}:${tag}`;
}
