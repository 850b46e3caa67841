// The settings a remote may carry and how each is parsed: apart from open.ts so checking a
// config (every command's start-up, repo/config-schema.ts) loads no remote backend.
import { CairnError } from '../core/errors.js';

/** Settings a remote may carry, with what each accepts (checked by `remote modify`). */
export const REMOTE_KEYS: Record<string, { desc: string; parse: (raw: string) => unknown }> = {
  url: { desc: 'folder path, file:// URL or s3://bucket/prefix', parse: (s) => s },
  endpoint: { desc: 'S3 endpoint URL for non-AWS stores (http://127.0.0.1:9000)', parse: (s) => s },
  region: { desc: 'S3 region (default AWS_REGION or us-east-1)', parse: (s) => s },
  profile: { desc: 'AWS shared-config profile for credentials', parse: (s) => s },
  path_style: { desc: 'true for path-style URLs (MinIO, Ceph); default true when endpoint is set', parse: parseBool },
  jobs: { desc: 'parallel transfers (default 16)', parse: (s) => parseIntIn(s, 1, 256, 'jobs') },
  sse: { desc: "server-side encryption: 'AES256' or 'aws:kms'", parse: (s) => parseEnum(s, ['AES256', 'aws:kms'], 'sse') },
  sse_kms_key_id: { desc: 'KMS key id for sse aws:kms', parse: (s) => s },
  checksum: { desc: "request checksums: 'when_required' (default) or 'when_supported'", parse: (s) => parseEnum(s, ['when_required', 'when_supported'], 'checksum') },
  retries: { desc: 'attempts per request on transient faults (default 6)', parse: (s) => parseIntIn(s, 1, 50, 'retries') },
  multipart_threshold_mb: { desc: 'files at least this many MiB upload multipart (default 64)', parse: (s) => parseIntIn(s, 5, 1_000_000, 'multipart_threshold_mb') },
};

export function parseBool(s: string): boolean {
  if (/^(true|yes|1)$/i.test(s)) return true;
  if (/^(false|no|0)$/i.test(s)) return false;
  throw new CairnError('CAIRN_CONFIG', `expected true or false, not '${s}'`);
}
function parseIntIn(s: string, lo: number, hi: number, what: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < lo || n > hi) throw new CairnError('CAIRN_CONFIG', `${what} must be a whole number from ${lo} to ${hi}, not '${s}'`);
  return n;
}
function parseEnum(s: string, allowed: string[], what: string): string {
  if (!allowed.includes(s)) throw new CairnError('CAIRN_CONFIG', `${what} must be one of ${allowed.join(', ')}, not '${s}'`);
  return s;
}
