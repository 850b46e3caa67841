// Objects known to be bad on a remote, per remote URL, under .cairn/state/remotes/: fetch
// records every object it rejected (corrupt or truncated), `push --verify-remote` records
// what failed its check. push treats a recorded object as absent from the remote and
// uploads a good copy over it, then forgets it; status --cloud does not count it as there.
import { mkdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { ObjectId } from '../core/ids.js';
import { writeFileAtomic } from '../io/atomic.js';

export class RejectedObjects {
  private readonly file: string;
  private ids = new Set<ObjectId>();

  constructor(stateDir: string, url: string) {
    const tag = createHash('sha256').update(url).digest('hex').slice(0, 16);
    this.file = join(stateDir, 'remotes', `${tag}.rejected`);
    let text = '';
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      /* none recorded */
    }
    for (const line of text.split('\n')) if (/^[0-9a-f]{16,128}(\.dir)?$/.test(line)) this.ids.add(line);
  }

  has(id: ObjectId): boolean {
    return this.ids.has(id);
  }

  all(): Set<ObjectId> {
    return new Set(this.ids);
  }

  add(ids: Iterable<ObjectId>): void {
    const before = this.ids.size;
    for (const id of ids) this.ids.add(id);
    if (this.ids.size !== before) this.save();
  }

  forget(ids: Iterable<ObjectId>): void {
    let changed = false;
    for (const id of ids) changed = this.ids.delete(id) || changed;
    if (changed) this.save();
  }

  private save(): void {
    mkdirSync(join(this.file, '..'), { recursive: true });
    writeFileAtomic(this.file, [...this.ids].sort().map((i) => i + '\n').join(''));
  }
}
