/**
 * Byte-exact YAML value editing: locate a scalar by key path and splice only
 * its bytes, keeping comments, formatting and line endings untouched.
 */
export { YamlEditError, isYamlEditError } from './errors';
export type { YamlEditErrorCode } from './errors';
export { parseKeyPath, formatKeyPath } from './keyPath';
export type { KeyPathSegment } from './keyPath';
export { getYamlValue, getYamlValues } from './getYamlValue';
export { setYamlValue } from './setYamlValue';
export type { SetYamlValueOptions } from './setYamlValue';
export { findImageKeys } from './findImageKeys';
