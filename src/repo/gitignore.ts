// Entries cairn writes to the .gitignore beside a tracked target ("/name"), so git never
// sees the data while the pointer file stays visible.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';

function entryFor(name: string): string {
  return '/' + name.replace(/([*?[\]!#\\])/g, '\\$1').replace(/^ /, '\\ ');
}

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Add "/name" to dir/.gitignore if absent. Returns true when the file changed. */
export function ignoreInGit(dirAbs: string, name: string): boolean {
  const file = join(dirAbs, '.gitignore');
  const text = read(file);
  const entry = entryFor(name);
  if (text.split(/\r?\n/).includes(entry)) return false;
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  writeFileAtomic(file, `${text}${sep}${entry}\n`);
  return true;
}

/** Remove "/name" from dir/.gitignore. Returns true when the file changed. */
export function unignoreInGit(dirAbs: string, name: string): boolean {
  const file = join(dirAbs, '.gitignore');
  const text = read(file);
  const entry = entryFor(name);
  const lines = text.split('\n');
  const kept = lines.filter((l) => l.replace(/\r$/, '') !== entry);
  if (kept.length === lines.length) return false;
  writeFileAtomic(file, kept.join('\n'));
  return true;
}
