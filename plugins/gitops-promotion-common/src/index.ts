/**
 * Shared by the GitOps Promotion frontend and backend: annotation keys,
 * permissions, byte-exact YAML editing and Kubernetes label selectors.
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './permissions';
export * from './yaml';
export * from './argocd/labelSelector';
export * from './api';
