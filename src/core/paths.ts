// Path helpers. Repo-relative paths are POSIX ('/'-separated) everywhere in files cairn writes.
import { isAbsolute, relative, resolve, sep } from 'node:path';

export function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

/** true when `child` is `parent` or lies beneath it (both absolute or both relative POSIX). */
export function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Repo-relative POSIX path of an absolute path, or undefined when it lies outside root. */
export function repoRelative(root: string, abs: string): string | undefined {
  const rel = relative(root, resolve(abs));
  if (rel === '') return '.';
  if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return toPosix(rel);
}

/**
 * A relpath from an untrusted manifest is safe when it is relative, POSIX, non-empty,
 * has no '.', '..' or empty segments and no NUL or backslash.
 */
export function isSafeRelpath(p: unknown): p is string {
  if (typeof p !== 'string' || p.length === 0) return false;
  if (p.startsWith('/') || p.includes('\\') || p.includes('\0')) return false;
  if (/^[a-zA-Z]:/.test(p)) return false;
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') return false;
  }
  return true;
}

/** true when paths a and b (repo-relative POSIX) are equal or one contains the other. */
export function overlaps(a: string, b: string): boolean {
  if (a === b) return true;
  return a.startsWith(b + '/') || b.startsWith(a + '/') || a === '.' || b === '.';
}
