import { getYamlValue } from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import fs from 'node:fs';
import path from 'node:path';
import {
  imageReferenceOf,
  imageSiblingKeys,
  normalizeImageReference,
} from './imageReference';

const REFERENCE = path.resolve(
  __dirname,
  '../../../../../../shared/reference/gitops-layouts',
);

/** The reference file's image reference for the tag at `key`, as the reader makes it. */
function referenceImage(file: string, key: string) {
  const text = fs.readFileSync(path.join(REFERENCE, file), 'utf8');
  const tag = getYamlValue(text, key)!;
  return imageReferenceOf(key, tag, sibling => getYamlValue(text, sibling));
}

describe('imageReferenceOf, over real values files', () => {
  it.each([
    [
      'stefanprodan__podinfo/charts__podinfo__values.yaml',
      'image.tag',
      'ghcr.io/stefanprodan/podinfo:6.14.1',
    ],
    [
      'stefanprodan__podinfo/charts__podinfo__values.yaml',
      'redis.tag',
      'docker.io/redis:8.8.0',
    ],
    // registry and repository apart
    [
      'bitnami__charts/bitnami__nginx__values.yaml',
      'image.tag',
      'docker.io/bitnami/nginx:1.29.1-debian-12-r0',
    ],
    [
      'argoproj__argocd-example-apps/helm-guestbook__values.yaml',
      'image.tag',
      'gcr.io/google-samples/gb-frontend:v5',
    ],
    [
      'security-union__videocall-rs/helm__global__us-east__websocket__values.yaml',
      'rustlemania-websocket.image.tag',
      'securityunion/videocall-media-server:latest',
    ],
    // `image` beside `tag`, the tag an alias
    [
      'kserve__kserve/charts__kserve-resources__values.yaml',
      'kserve.agent.tag',
      'kserve/agent:v0.16.0',
    ],
    // Kustomize: newName beside newTag
    [
      'argoproj__argo-cd/manifests__base__kustomization.yaml',
      'images[name=quay.io/argoproj/argocd].newTag',
      'quay.io/argoproj/argocd:latest',
    ],
  ])('%s %s is %s', (file, key, expected) => {
    expect(referenceImage(file, key)).toBe(expected);
  });

  it('takes the entry name when a kustomization has no newName, and a digest as a digest', () => {
    const text = 'images:\n  - name: ghcr.io/acme/cart\n    newTag: 3.1.0\n';
    const key = 'images[name=ghcr.io/acme/cart].newTag';
    const sibling = (k: string) => getYamlValue(text, k);
    expect(imageReferenceOf(key, '3.1.0', sibling)).toBe(
      'ghcr.io/acme/cart:3.1.0',
    );
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(imageReferenceOf(key, digest, sibling)).toBe(
      `ghcr.io/acme/cart@${digest}`,
    );
  });

  it('does not guess an image the file does not name', () => {
    const text = 'image:\n  tag: 1.0.0\n';
    expect(
      imageReferenceOf('image.tag', '1.0.0', k => getYamlValue(text, k)),
    ).toBeUndefined();
    expect(imageSiblingKeys('dependencies[name=base].version')).toEqual([]);
  });
});

describe('normalizeImageReference', () => {
  it.each([
    ['nginx:1.29', 'docker.io/library/nginx:1.29'],
    ['bitnami/nginx:1.29', 'docker.io/bitnami/nginx:1.29'],
    ['docker.io/bitnami/nginx:1.29', 'docker.io/bitnami/nginx:1.29'],
    ['index.docker.io/library/nginx:1.29', 'docker.io/library/nginx:1.29'],
    ['localhost:5000/app:1', 'localhost:5000/app:1'],
    ['ghcr.io/acme/cart:3.1.0', 'ghcr.io/acme/cart:3.1.0'],
  ])('%s is %s', (reference, expected) => {
    expect(normalizeImageReference(reference)).toBe(expected);
  });
});
