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

/** Names of folders cairn and git manage themselves: no tracked path may lie in (or be) one. */
export const RESERVED_DIRS = ['.git', '.cairn'] as const;
/** Longest name one path segment may have (bytes, as most filesystems allow). */
export const MAX_NAME_BYTES = 255;
/** Longest repo-relative path accepted (bytes; Linux PATH_MAX is 4096 for the absolute path). */
export const MAX_PATH_BYTES = 4000;

/**
 * The containment rule for a repo-relative POSIX path that cairn will write, delete or
 * hash (a pointer's out, a lock's out, a cairn.yaml out, dep, params file or wdir, an
 * `add` target). Returns why the path is refused, or undefined when it is acceptable.
 * Refused: empty, absolute (`/x`, `C:x`), a backslash, a NUL, CR or LF, an empty, `.` or
 * `..` segment, a segment named `.git` or `.cairn` (in any letter case, anywhere), a
 * segment over 255 bytes or a path over 4000 bytes. `.` (the repo root) is refused unless
 * `allowRoot` (a stage's wdir may be the root).
 */
export function repoPathProblem(p: unknown, opts: { allowRoot?: boolean } = {}): string | undefined {
  if (typeof p !== 'string') return 'must be a path (a string)';
  if (p === '') return 'is empty';
  if (p === '.') return opts.allowRoot ? undefined : 'names the repository root itself';
  if (p.includes('\0')) return 'contains a NUL byte';
  if (/[\r\n]/.test(p)) return 'contains a line break';
  if (p.startsWith('/') || /^[a-zA-Z]:/.test(p)) return 'is absolute';
  if (p.includes('\\')) return 'contains a backslash (paths are POSIX, / separated)';
  if (Buffer.byteLength(p) > MAX_PATH_BYTES) return `is longer than ${MAX_PATH_BYTES} bytes`;
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') return "has an empty or '.' segment";
    if (seg === '..') return "contains '..'";
    const low = seg.toLowerCase();
    for (const r of RESERVED_DIRS) if (low === r) return `lies inside ${r}/, which ${r === '.git' ? 'git' : 'cairn'} manages itself`;
    if (Buffer.byteLength(seg) > MAX_NAME_BYTES) return `has a name longer than ${MAX_NAME_BYTES} bytes`;
  }
  return undefined;
}

/**
 * Join a path relative to `baseDir` (repo-relative, '.' for the root) and normalise it;
 * undefined when it climbs above the repo root. `..` segments are resolved textually
 * (symlinks are checked separately, at write time, by io/contained.ts).
 */
export function joinRepoPath(baseDir: string, p: string): string | undefined {
  if (p.startsWith('/') || /^[a-zA-Z]:/.test(p)) return undefined;
  const out: string[] = baseDir === '.' || baseDir === '' ? [] : baseDir.split('/');
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(seg);
  }
  return out.length ? out.join('/') : '.';
}
