/**
 * Shared by the GitOps Promotion frontend and backend: annotation keys,
 * permissions and byte-exact YAML editing.
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './permissions';
export * from './yaml';
