// Directory manifests known to be fully on a remote, per remote URL, under .cairn/state/.
// A manifest is pushed only after all its files, so "manifest on the remote" means "the
// whole directory is there". Remembering them lets a push of a new version of a big
// directory skip the files the previous version already sent, after one HEAD of the old
// manifest (trust, but verify cheaply: a remote that was pruned is noticed).
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { ObjectId } from '../core/ids.js';

export class KnownDirs {
  private readonly file: string;
  private ids: ObjectId[] = [];
  private set = new Set<ObjectId>();

  constructor(stateDir: string, url: string) {
    const tag = createHash('sha256').update(url).digest('hex').slice(0, 16);
    this.file = join(stateDir, 'remotes', `${tag}.dirs`);
    let text = '';
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      /* none yet */
    }
    for (const line of text.split('\n')) {
      // an interrupted append leaves at most one torn last line: ignore anything odd
      if (/^[0-9a-f]{16,128}\.dir$/.test(line) && !this.set.has(line)) {
        this.set.add(line);
        this.ids.push(line);
      }
    }
  }

  has(id: ObjectId): boolean {
    return this.set.has(id);
  }

  /** most recently recorded first */
  recent(n: number): ObjectId[] {
    return this.ids.slice(-n).reverse();
  }

  add(ids: Iterable<ObjectId>): void {
    const fresh = [...ids].filter((id) => !this.set.has(id));
    if (fresh.length === 0) return;
    for (const id of fresh) {
      this.set.add(id);
      this.ids.push(id);
    }
    mkdirSync(join(this.file, '..'), { recursive: true });
    appendFileSync(this.file, fresh.map((i) => i + '\n').join(''));
  }

  forget(ids: Iterable<ObjectId>): void {
    const drop = new Set(ids);
    if (![...drop].some((i) => this.set.has(i))) return;
    this.ids = this.ids.filter((i) => !drop.has(i));
    this.set = new Set(this.ids);
    mkdirSync(join(this.file, '..'), { recursive: true });
    writeFileSync(this.file, this.ids.map((i) => i + '\n').join(''));
  }
}
