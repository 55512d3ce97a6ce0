/**
 * Node.js library of GitOps Promotion: byte-exact YAML value editing (read and
 * write one scalar by key path, keeping comments and formatting) and
 * Kubernetes label selectors, used by the backend plugin and the Argo CD
 * stand-in.
 *
 * @packageDocumentation
 */

export * from './yaml';
export * from './argocd/labelSelector';
