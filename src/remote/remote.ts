// One interface for every remote: a folder or an S3-compatible bucket, both holding the
// cache layout under their root (<algo>/<2 hex>/<rest>, runs/<2 hex>/<rest>). Keys are
// POSIX paths relative to that root. Everything that arrives from a remote is untrusted:
// the transfer layer rehashes it before it enters the cache.

export interface RemoteStats {
  /** requests sent (S3) or filesystem calls made (folder), for benchmarks and --json */
  requests: number;
  /** of which existence checks (HEAD) and listing pages */
  heads: number;
  lists: number;
  retries: number;
}

export interface PutSource {
  /** a local file to upload, or the bytes themselves */
  file?: string;
  bytes?: Uint8Array;
  size: number;
}

export interface Remote {
  /** the URL as configured, for messages */
  readonly url: string;
  readonly kind: 'folder' | 's3';
  readonly stats: RemoteStats;
  /** check that the remote is reachable and usable (bucket exists, credentials work) */
  ready(): Promise<void>;
  /** which of `keys` exist on the remote (the backend picks HEADs or prefix listings) */
  existsMany(keys: string[]): Promise<Set<string>>;
  /** every key under `prefix` (a folder path like 'xxh64x2/ab/' or ''), in no set order */
  list(prefix: string): AsyncIterable<string>;
  /** store an object (a partially written object is never visible under `key` on folder remotes); `onBytes` (progress) hears the bytes sent, as they go */
  put(key: string, src: PutSource, onBytes?: (n: number) => void): Promise<void>;
  /** download `key` into the local file `dest` (created or truncated); returns the bytes written; `onBytes` as for put */
  get(key: string, dest: string, onBytes?: (n: number) => void): Promise<number>;
  deleteMany(keys: string[]): Promise<void>;
  close(): Promise<void>;
}

export function newStats(): RemoteStats {
  return { requests: 0, heads: 0, lists: 0, retries: 0 };
}
