// Object ids: lowercase hex of the algorithm's length, plus '.dir' for directory manifests.
import { CairnError } from './errors.js';
import { ID_HEX_LENGTH, type HashAlgorithm } from './hash.js';

export type ObjectId = string;
export const DIR_SUFFIX = '.dir';

export function isDirId(id: ObjectId): boolean {
  return id.endsWith(DIR_SUFFIX);
}

export function toDirId(hex: string): ObjectId {
  return hex + DIR_SUFFIX;
}

export function isValidId(algo: HashAlgorithm, id: unknown): id is ObjectId {
  if (typeof id !== 'string') return false;
  const hex = isDirId(id) ? id.slice(0, -DIR_SUFFIX.length) : id;
  return hex.length === ID_HEX_LENGTH[algo] && /^[0-9a-f]+$/.test(hex);
}

export function assertValidId(algo: HashAlgorithm, id: unknown, where: string): ObjectId {
  if (!isValidId(algo, id)) {
    throw new CairnError('CAIRN_BAD_POINTER', `${where}: '${String(id)}' is not a valid ${algo} object id`, {
      hint: 'restore the file from git (git checkout -- <file>) or re-add the data with cairn add',
    });
  }
  return id;
}

/** Relative location of an object under a cache or remote root: <algo>/<2 hex>/<rest>. */
export function objectKey(algo: HashAlgorithm, id: ObjectId): string {
  return `${algo}/${id.slice(0, 2)}/${id.slice(2)}`;
}
