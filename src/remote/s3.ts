// S3 and S3-compatible stores (AWS, MinIO, Ceph RGW, R2, GCS interop) through
// @aws-sdk/client-s3, loaded lazily so commands that never touch S3 do not pay for it.
// Credentials come only from the SDK's default chain (env, shared files, profile, IMDS);
// nothing here ever logs or returns a secret.
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { CairnError } from '../core/errors.js';
import { maskSecrets, maskText } from '../core/secrets.js';
import { groupByPrefix, planCost, planExistence } from './existence.js';
import { runPool } from './pool.js';
import { newStats, type PutSource, type Remote } from './remote.js';
import { DEFAULT_RETRY, httpStatus, isTransient, withRetry, type RetryPolicy } from './retry.js';

export interface S3RemoteOptions {
  url: string;
  bucket: string;
  /** key prefix without leading or trailing '/' ('' for the bucket root) */
  prefix: string;
  endpoint?: string;
  region?: string;
  profile?: string;
  pathStyle?: boolean;
  /** parallel requests */
  jobs: number;
  /** 'AES256' or 'aws:kms' */
  sse?: string;
  sseKmsKeyId?: string;
  /** 'when_required' (default; what most S3-compatible stores accept) or 'when_supported' */
  checksum?: 'when_required' | 'when_supported';
  retry?: RetryPolicy;
  /** files at least this big go multipart */
  multipartThreshold?: number;
  /** per-request socket timeout */
  timeoutMs?: number;
  /** static credentials from the (local) config; default: the AWS SDK's credential chain */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

const MiB = 1024 * 1024;

/** Part size for a multipart upload of `size` bytes: at least 16 MiB, at most 10,000 parts. */
export function partSizeFor(size: number): number {
  const min = 16 * MiB;
  const needed = Math.ceil(size / 9_000);
  return Math.max(min, Math.ceil(needed / MiB) * MiB);
}

type SDK = typeof import('@aws-sdk/client-s3');

export class S3Remote implements Remote {
  readonly kind = 's3' as const;
  readonly stats = newStats();
  readonly url: string;
  private sdk?: SDK;
  private client?: InstanceType<SDK['S3Client']>;
  private checked?: Promise<void>;
  private readonly retry: RetryPolicy;

  constructor(readonly opts: S3RemoteOptions) {
    this.url = opts.url;
    this.retry = opts.retry ?? DEFAULT_RETRY;
  }

  private key(k: string): string {
    return this.opts.prefix ? `${this.opts.prefix}/${k}` : k;
  }

  private async s3() {
    if (this.client) return { sdk: this.sdk!, client: this.client };
    // The SDK warns on every run that releases after January 2027 need Node 22; the
    // lockfile pins the version, so the warning is noise in a CLI's stderr.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const sdk = await import('@aws-sdk/client-s3');
    const o = this.opts;
    const sockets = Math.max(16, o.jobs * 2);
    const checksum = o.checksum === 'when_supported' ? 'WHEN_SUPPORTED' : 'WHEN_REQUIRED';
    const client = new sdk.S3Client({
      endpoint: o.endpoint,
      region: o.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
      forcePathStyle: o.pathStyle ?? !!o.endpoint,
      ...(o.profile ? { profile: o.profile } : {}),
      ...(o.credentials ? { credentials: o.credentials } : {}),
      requestChecksumCalculation: checksum,
      responseChecksumValidation: checksum,
      maxAttempts: 1, // retries are ours: transient faults only, with jitter (retry.ts)
      requestHandler: {
        httpAgent: new HttpAgent({ keepAlive: true, maxSockets: sockets }),
        httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: sockets }),
        requestTimeout: o.timeoutMs ?? 120_000,
        connectionTimeout: 10_000,
      },
    });
    // Some stores (OpenStack Swift) require Content-MD5 on DeleteObjects; harmless elsewhere.
    client.middlewareStack.add(
      (next) => async (args) => {
        const req = args.request as { headers?: Record<string, string>; body?: unknown; query?: Record<string, unknown> };
        if (req.query && 'delete' in req.query && typeof req.body === 'string' && req.headers) {
          req.headers['content-md5'] = createHash('md5').update(req.body).digest('base64');
        }
        return next(args);
      },
      { step: 'build', name: 'cairnDeleteContentMd5' },
    );
    this.sdk = sdk;
    this.client = client;
    return { sdk, client };
  }

  private async call<T>(what: string, key: string | undefined, fn: () => Promise<T>): Promise<T> {
    try {
      return await withRetry(
        () => {
          this.stats.requests++;
          return fn();
        },
        this.retry,
        () => this.stats.retries++,
      );
    } catch (e) {
      throw this.explain(e, what, key);
    }
  }

  /** Turn an SDK error into a CairnError that says what to check; never includes secrets. */
  explain(e: unknown, what: string, key?: string): CairnError {
    if (e instanceof CairnError) return e;
    const c = this.explainRaw(e, what, key);
    // an endpoint URL may carry a password, and a server may echo what it was sent: mask
    // the message here too, not only where the CLI prints it (core/secrets.ts)
    return new CairnError(c.code, maskText(c.message), { hint: c.hint && maskText(c.hint), data: maskSecrets(c.data), cause: c.cause });
  }

  private explainRaw(e: unknown, what: string, key?: string): CairnError {
    const err = e as { name?: string; message?: string; Code?: string };
    const status = httpStatus(e);
    const name = err.name ?? err.Code ?? 'Error';
    const where = `s3://${this.opts.bucket}${key ? '/' + this.key(key) : this.opts.prefix ? '/' + this.opts.prefix : ''}${this.opts.endpoint ? ` at ${this.opts.endpoint}` : ''}`;
    const data = { url: this.url, key, status, error: name };
    if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(err.message ?? '')) {
      return new CairnError('CAIRN_REMOTE_AUTH', `no AWS credentials found for ${where}`, {
        hint: 'set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or a profile (`cairn remote modify <name> profile <p> --local`), or run `aws configure`',
        data,
        cause: e,
      });
    }
    if (status === 403 || ['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'Forbidden', 'ExpiredToken', 'InvalidToken'].includes(name)) {
      const why = name === 'SignatureDoesNotMatch' ? 'the secret key is wrong' : name === 'InvalidAccessKeyId' ? 'the access key id is unknown' : 'access denied (wrong credentials or missing permission)';
      return new CairnError('CAIRN_REMOTE_AUTH', `${what} ${where}: ${why} (${name === 'Unknown' || name === 'Forbidden' ? '' : name + ', '}HTTP 403)`, {
        hint: 'check the credentials the AWS SDK picks up (AWS_ACCESS_KEY_ID, AWS_PROFILE, ~/.aws/credentials) and that they allow s3:GetObject, s3:PutObject, s3:ListBucket on this bucket',
        data,
        cause: e,
      });
    }
    if (name === 'NoSuchBucket' || (status === 404 && key === undefined)) {
      return new CairnError('CAIRN_REMOTE_MISSING', `bucket '${this.opts.bucket}' does not exist${this.opts.endpoint ? ` at ${this.opts.endpoint}` : ''}`, {
        hint: `create it (\`aws s3 mb s3://${this.opts.bucket}\`) or fix the remote URL with \`cairn remote add -f <name> <url>\``,
        data,
        cause: e,
      });
    }
    if (status === 404 || name === 'NoSuchKey' || name === 'NotFound') {
      return new CairnError('CAIRN_NOT_FOUND', `${what} ${where}: not on the remote`, {
        hint: 'push it from a machine that has it (`cairn push`)',
        data: { ...data, missing: true },
        cause: e,
      });
    }
    const transient = isTransient(e);
    return new CairnError('CAIRN_REMOTE', `${what} ${where} failed: ${name}${status ? ` (HTTP ${status})` : ''}: ${err.message ?? ''}`.trim(), {
      hint: transient
        ? 'the store kept failing after retries; check the endpoint is up and run the command again (it resumes where it stopped)'
        : 'check the endpoint, region and path_style settings (`cairn remote list`)',
      data: { ...data, transient },
      cause: e,
    });
  }

  async ready(): Promise<void> {
    this.checked ??= (async () => {
      const { sdk, client } = await this.s3();
      await this.call('cannot reach bucket', undefined, () => client.send(new sdk.HeadBucketCommand({ Bucket: this.opts.bucket })));
    })();
    return this.checked;
  }

  private async head(key: string): Promise<boolean> {
    const { sdk, client } = await this.s3();
    this.stats.heads++;
    try {
      await this.call('cannot check', key, () => client.send(new sdk.HeadObjectCommand({ Bucket: this.opts.bucket, Key: this.key(key) })));
      return true;
    } catch (e) {
      if (e instanceof CairnError && e.code === 'CAIRN_NOT_FOUND') return false;
      throw e;
    }
  }

  /** Every key under a folder prefix, with the number of pages it took. */
  private async listAll(prefix: string, onKey: (k: string) => void): Promise<number> {
    const { sdk, client } = await this.s3();
    const full = this.key(prefix);
    const strip = this.opts.prefix ? this.opts.prefix.length + 1 : 0;
    let token: string | undefined;
    let pages = 0;
    do {
      this.stats.lists++;
      const r = await this.call('cannot list', prefix, () =>
        client.send(new sdk.ListObjectsV2Command({ Bucket: this.opts.bucket, Prefix: full, ContinuationToken: token, MaxKeys: 1000 })),
      );
      pages++;
      for (const o of r.Contents ?? []) if (o.Key) onKey(o.Key.slice(strip));
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return pages;
  }

  /** ETag, version id and size of one object (a key under the prefix), or undefined when absent. */
  async statObject(key: string): Promise<{ etag?: string; versionId?: string; size: number; lastModified?: string } | undefined> {
    const { sdk, client } = await this.s3();
    this.stats.heads++;
    try {
      const r = await this.call('cannot check', key, () => client.send(new sdk.HeadObjectCommand({ Bucket: this.opts.bucket, Key: this.key(key) })));
      return { etag: r.ETag, versionId: r.VersionId && r.VersionId !== 'null' ? r.VersionId : undefined, size: r.ContentLength ?? 0, lastModified: r.LastModified?.toISOString() };
    } catch (e) {
      if (e instanceof CairnError && e.code === 'CAIRN_NOT_FOUND' && e.data.missing) return undefined;
      throw e;
    }
  }

  /** Every object under a key prefix (any string, not only folders) with ETag and size; refuses more than `max`. */
  async listMeta(prefix: string, max: number): Promise<{ key: string; etag?: string; size: number }[]> {
    const { sdk, client } = await this.s3();
    const full = this.key(prefix);
    const strip = this.opts.prefix ? this.opts.prefix.length + 1 : 0;
    const out: { key: string; etag?: string; size: number }[] = [];
    let token: string | undefined;
    do {
      this.stats.lists++;
      const r = await this.call('cannot list', prefix, () =>
        client.send(new sdk.ListObjectsV2Command({ Bucket: this.opts.bucket, Prefix: full, ContinuationToken: token, MaxKeys: 1000 })),
      );
      for (const o of r.Contents ?? []) if (o.Key) out.push({ key: o.Key.slice(strip), etag: o.ETag, size: o.Size ?? 0 });
      if (out.length > max) {
        throw new CairnError('CAIRN_FAILED', `s3://${this.opts.bucket}/${full} holds more than ${max} objects: too many to track as one dependency`, {
          hint: 'name a narrower prefix',
          data: { url: this.url, max },
        });
      }
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  async existsMany(keys: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    if (keys.length === 0) return found;
    await this.ready();
    const wanted = new Set(keys);
    let rest = keys;
    let pagesPerPrefix = 1;
    const groups = groupByPrefix(keys);
    if (keys.length > 8 && groups.size > 0) {
      // Probe: list the prefix with the most keys asked. Its answer is needed anyway and
      // its page count tells what listing one prefix costs on this remote.
      const [probe] = [...groups.entries()].sort((a, b) => b[1].length - a[1].length)[0]!;
      if (probe) {
        let inProbe = 0;
        pagesPerPrefix = await this.listAll(probe, (k) => {
          inProbe++;
          if (wanted.has(k)) found.add(k);
        });
        rest = keys.filter((k) => !k.startsWith(probe) || k.slice(probe.length).includes('/'));
        // A sparse remote (a new one, or a small one): listing the whole folder holding the
        // 256 prefixes (estimated from the probe) costs fewer requests than the rest would.
        const parent = probe.replace(/[^/]+\/$/, '');
        const under = rest.filter((k) => k.startsWith(parent));
        const pagesAll = Math.ceil((inProbe * 256) / 1000) + 1;
        if (parent && pagesAll * 2 < under.length && pagesAll < planCost(under, pagesPerPrefix)) {
          await this.listAll(parent, (k) => wanted.has(k) && found.add(k));
          rest = rest.filter((k) => !k.startsWith(parent));
        }
      }
    }
    const plan = planExistence(rest, pagesPerPrefix);
    const tasks: (() => Promise<void>)[] = [
      ...plan.list.map((p) => async () => {
        await this.listAll(p, (k) => wanted.has(k) && found.add(k));
      }),
      ...plan.head.map((k) => async () => {
        if (await this.head(k)) found.add(k);
      }),
    ];
    await runPool(tasks, Math.max(this.opts.jobs, 16));
    return found;
  }

  async *list(prefix: string): AsyncIterable<string> {
    await this.ready();
    const keys: string[] = [];
    await this.listAll(prefix, (k) => keys.push(k));
    yield* keys;
  }

  async put(key: string, src: PutSource, onBytes?: (n: number) => void): Promise<void> {
    await this.ready();
    const { sdk, client } = await this.s3();
    const o = this.opts;
    const sse = o.sse ? { ServerSideEncryption: o.sse as never, ...(o.sseKmsKeyId ? { SSEKMSKeyId: o.sseKmsKeyId } : {}) } : {};
    const threshold = o.multipartThreshold ?? 64 * MiB;
    if (src.file !== undefined && src.size >= threshold) {
      const { Upload } = await import('@aws-sdk/lib-storage');
      // A failed multipart upload is aborted (leavePartsOnError false) and restarted whole.
      await this.call('cannot upload', key, async () => {
        const up = new Upload({
          client,
          params: { Bucket: o.bucket, Key: this.key(key), Body: createReadStream(src.file!, { highWaterMark: MiB }), ...sse },
          partSize: partSizeFor(src.size),
          queueSize: Math.max(2, Math.min(o.jobs, 8)),
          leavePartsOnError: false,
        });
        const parts = Math.ceil(src.size / partSizeFor(src.size));
        this.stats.requests += parts + 1; // create + parts + complete (call() counted one)
        // the library reports bytes loaded so far; a retried upload starts again from 0
        let sent = 0;
        if (onBytes) {
          up.on('httpUploadProgress', (p) => {
            const loaded = p.loaded ?? 0;
            if (loaded > sent) onBytes(loaded - sent);
            sent = Math.max(sent, loaded);
          });
        }
        await up.done();
      });
      return;
    }
    await this.call('cannot upload', key, () => {
      const body =
        src.bytes ?? (src.size <= 8 * MiB ? readFileSync(src.file!) : createReadStream(src.file!, { highWaterMark: MiB }));
      return client.send(new sdk.PutObjectCommand({ Bucket: o.bucket, Key: this.key(key), Body: body, ContentLength: src.size, ...sse }));
    });
    onBytes?.(src.size);
  }

  /**
   * Download in ranges: the first range GET (16 MiB) also tells the object's size; a bigger
   * object's remaining ranges are fetched in parallel (up to 8) and written at their offsets,
   * each retried on its own. Stores that ignore Range answer 200 with the whole body.
   */
  async get(key: string, dest: string, onBytes?: (n: number) => void): Promise<number> {
    await this.ready();
    const { sdk, client } = await this.s3();
    const part = 16 * MiB;
    const bucket = this.opts.bucket;
    const k = this.key(key);
    const first = await this.call('cannot download', key, async () => {
      try {
        const r = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: k, Range: `bytes=0-${part - 1}` }));
        return { buf: Buffer.from(await r.Body!.transformToByteArray()), range: r.ContentRange };
      } catch (e) {
        if (httpStatus(e) !== 416) throw e;
        // an empty object has no byte 0
        const r = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: k }));
        return { buf: Buffer.from(await r.Body!.transformToByteArray()), range: undefined };
      }
    });
    onBytes?.(first.buf.length);
    const m = first.range ? /\/(\d+)$/.exec(first.range) : null;
    const total = m ? Number(m[1]) : first.buf.length;
    if (total <= first.buf.length) {
      // most objects: one synchronous write (async file handles cost more than the write)
      writeFileSync(dest, first.buf);
      return first.buf.length;
    }
    const fh = await open(dest, 'w');
    try {
      await fh.write(first.buf, 0, first.buf.length, 0);
      const tasks: (() => Promise<void>)[] = [];
      for (let off = first.buf.length; off < total; off += part) {
        const end = Math.min(total, off + part) - 1;
        tasks.push(async () => {
          const buf = await this.call('cannot download', key, async () => {
            const r = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: k, Range: `bytes=${off}-${end}` }));
            return Buffer.from(await r.Body!.transformToByteArray());
          });
          await fh.write(buf, 0, buf.length, off);
          onBytes?.(buf.length);
        });
      }
      await runPool(tasks, Math.max(2, Math.min(this.opts.jobs, 8)));
      return total;
    } finally {
      await fh.close();
    }
  }

  async deleteMany(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.ready();
    const { sdk, client } = await this.s3();
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      const r = await this.call('cannot delete from', undefined, () =>
        client.send(
          new sdk.DeleteObjectsCommand({
            Bucket: this.opts.bucket,
            Delete: { Objects: batch.map((k) => ({ Key: this.key(k) })), Quiet: true },
          }),
        ),
      );
      if (r.Errors && r.Errors.length > 0) {
        const e = r.Errors[0]!;
        throw new CairnError('CAIRN_REMOTE', `cannot delete ${e.Key} from ${this.url}: ${e.Code} ${e.Message ?? ''}`, {
          data: { url: this.url, failed: r.Errors.length },
        });
      }
    }
  }

  async close(): Promise<void> {
    this.client?.destroy();
  }
}
