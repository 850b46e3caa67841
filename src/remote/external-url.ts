// External dependency URLs (s3://bucket/key, s3://bucket/prefix/, https://..., http:// for
// loopback only): parsing and checks, with no I/O, so loading a cairn.yaml stays cheap.
import { CairnError } from '../core/errors.js';
import { maskText } from '../core/secrets.js';

export type ExternalKind = 's3' | 's3-prefix' | 'http';

export type ExternalUrl =
  | { kind: 's3'; url: string; bucket: string; key: string }
  | { kind: 's3-prefix'; url: string; bucket: string; prefix: string }
  | { kind: 'http'; url: string };

const SCHEME = /^(s3|https?):\/\//i;

/** Whether a dependency string names external data (s3://, https://, http://). */
export function isExternalDep(s: string): boolean {
  return SCHEME.test(s);
}

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Parse and check an external dependency URL; a CAIRN_BAD_PIPELINE-style problem is returned as text. */
export function externalUrlProblem(s: string): string | undefined {
  try {
    parseExternalUrl(s);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

export function parseExternalUrl(s: string): ExternalUrl {
  const bad = (why: string, hint?: string) => new CairnError('CAIRN_USAGE', `'${maskText(s)}': ${why}`, { hint, data: { url: maskText(s) } });
  if (/[\s\0]/.test(s)) throw bad('a URL may not contain spaces or control characters');
  if (/^s3:\/\//i.test(s)) {
    if (!s.startsWith('s3://')) throw bad("write the scheme in lower case: 's3://'");
    const rest = s.slice(5);
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    const key = slash < 0 ? '' : rest.slice(slash + 1);
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw bad(`'${bucket}' is not a valid S3 bucket name`);
    if (key.split('/').some((p) => p === '..' || p === '.')) throw bad("the key may not contain '.' or '..' segments");
    if (key === '' || key.endsWith('/')) return { kind: 's3-prefix', url: s, bucket, prefix: key };
    return { kind: 's3', url: s, bucket, key };
  }
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw bad('not a valid URL');
  }
  if (u.protocol === 'http:' && !isLoopback(u.hostname)) {
    throw bad('plain http is accepted only for loopback hosts (tests); use https://', `write https://${s.slice('http://'.length)}`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw bad(`unsupported scheme '${u.protocol}'`);
  return { kind: 'http', url: s };
}

