// What a revision's metrics or params look like once read: shared by the revision views
// (pipeline/rev-views.ts), the diff of two revisions (metrics/revisions.ts) and the commands.
import type { FlatMap } from './flatten.js';

/** A file that could not be read or parsed at a revision (reported, not thrown). */
export interface RevError {
  rev: string;
  path: string;
  message: string;
}

/** What a revision is called: the name as given and the commit it resolved to. */
export interface RevLabel {
  rev: string;
  oid?: string;
}

export interface RevMetrics extends RevLabel {
  /** file → flat key → value */
  files: Record<string, FlatMap>;
}
