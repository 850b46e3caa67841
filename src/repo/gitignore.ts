// Entries cairn writes to the .gitignore beside a tracked target ("/name"), so git never
// sees the data while the pointer file stays visible.
import { lstatSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CairnError } from '../core/errors.js';
import { writeFileAtomic } from '../io/atomic.js';

/**
 * Throw unless a name can be written as one .gitignore line. gitignore has no escape for
 * a line break, so a name holding one would inject further ignore lines: refused.
 */
export function checkIgnorable(name: string): void {
  if (/[\r\n]/.test(name)) {
    throw new CairnError('CAIRN_BAD_TARGET', `${JSON.stringify(name)}: a name holding a line break cannot be written to .gitignore`, {
      hint: 'rename the file or folder without the line break, then add it',
      data: { name },
    });
  }
}

/**
 * "/name" as a gitignore pattern matching exactly that name: glob characters, backslashes,
 * `!` and `#` are backslash-escaped, and so is every trailing space (git strips unescaped
 * trailing spaces). The leading '/' anchors it, so a leading `#` or `!` cannot start a
 * comment or a negation either.
 */
export function ignoreEntryFor(name: string): string {
  checkIgnorable(name);
  return '/' + name.replace(/([*?[\]!#\\])/g, '\\$1').replace(/ +$/, (m) => '\\ '.repeat(m.length));
}

function read(file: string): string {
  let st;
  try {
    st = lstatSync(file);
  } catch {
    return '';
  }
  if (!st.isFile()) {
    throw new CairnError('CAIRN_BAD_PATH', `'${file}' is not a regular file (${st.isSymbolicLink() ? 'a symlink' : 'a folder or device'}); refusing to edit it`, {
      hint: 'replace it with a plain .gitignore file',
      data: { path: file },
    });
  }
  return readFileSync(file, 'utf8');
}

/** Add "/name" to dir/.gitignore if absent. Returns true when the file changed. */
export function ignoreInGit(dirAbs: string, name: string): boolean {
  const file = join(dirAbs, '.gitignore');
  const entry = ignoreEntryFor(name);
  const text = read(file);
  if (text.split(/\r?\n/).includes(entry)) return false;
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  writeFileAtomic(file, `${text}${sep}${entry}\n`);
  return true;
}

/**
 * Remove "/name" from dir/.gitignore. Returns true when the file changed. A file left
 * with nothing but blank lines is deleted (as DVC does): it only ever held cairn's entries.
 * One that keeps a comment or any other line stays.
 */
export function unignoreInGit(dirAbs: string, name: string): boolean {
  const file = join(dirAbs, '.gitignore');
  const entry = ignoreEntryFor(name);
  const text = read(file);
  const lines = text.split('\n');
  const kept = lines.filter((l) => l.replace(/\r$/, '') !== entry);
  if (kept.length === lines.length) return false;
  if (kept.every((l) => l.trim() === '')) rmSync(file, { force: true });
  else writeFileAtomic(file, kept.join('\n'));
  return true;
}
