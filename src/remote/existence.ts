// Existence checks that grow with what is asked, not with the remote's size.
// Objects spread evenly over 256 prefix folders per algorithm, so one listing of one
// prefix tells how many pages a prefix costs. Per prefix, the cheaper of
//   k HEAD requests (k = keys asked in that prefix) and
//   p listing pages (p = estimated pages of that prefix)
// is chosen. A huge remote (millions of objects) is therefore never listed whole, and a
// push of many objects into a small remote lists instead of sending thousands of HEADs.

export interface ExistencePlan {
  /** prefixes (e.g. 'xxh64x2/ab/') to list */
  list: string[];
  /** keys to HEAD one by one */
  head: string[];
}

/** The folder part of a key: everything up to and including the last '/'. */
export function prefixOf(key: string): string {
  const i = key.lastIndexOf('/');
  return i < 0 ? '' : key.slice(0, i + 1);
}

export function groupByPrefix(keys: string[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const k of keys) {
    const p = prefixOf(k);
    let l = m.get(p);
    if (!l) m.set(p, (l = []));
    l.push(k);
  }
  return m;
}

/**
 * Pure planner. `pagesPerPrefix` is the estimated number of listing pages one prefix
 * takes (1 for a remote under ~256k objects per algorithm). A listing page is weighed as
 * `listCost` HEADs (a page carries up to 1000 keys and is slower than a HEAD).
 */
export function planExistence(keys: string[], pagesPerPrefix: number, listCost = 2): ExistencePlan {
  const plan: ExistencePlan = { list: [], head: [] };
  for (const [prefix, ks] of groupByPrefix(keys)) {
    if (prefix && ks.length > pagesPerPrefix * listCost) plan.list.push(prefix);
    else plan.head.push(...ks);
  }
  plan.list.sort();
  return plan;
}

/** Requests the plan for `keys` would send (listing pages weighed as one request each). */
export function planCost(keys: string[], pagesPerPrefix: number, listCost = 2): number {
  const plan = planExistence(keys, pagesPerPrefix, listCost);
  return plan.head.length + plan.list.length * pagesPerPrefix;
}
