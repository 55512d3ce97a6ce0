/**
 * Shared by the GitOps Promotion frontend and backend: annotation keys,
 * permissions and the REST API's types (generated from its OpenAPI spec).
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './permissions';
export * from './api';
export * from './signals';
