/** Where S3_URL points: a bucket, a key prefix in it, and for S3-compatible servers the endpoint and keys. */
export interface S3Location {
  bucket: string;
  /** Prepended to every key ("" or "tern/"). */
  prefix: string;
  /** S3-compatible server (path-style requests); unset: AWS, with the SDK's own credentials and region. */
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

/**
 * S3_URL forms: `s3://bucket/prefix` (AWS: credentials and region from the usual AWS_* variables
 * or instance role), or `https://KEY:SECRET@host:port/bucket/prefix?region=…` (an S3-compatible
 * server: MinIO, Ceph, Garage, s3rver…; `http://` for one without TLS). Returns an error text.
 */
export function parseS3Url(text: string): S3Location | string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return 'S3_URL must be s3://bucket/prefix or https://KEY:SECRET@host/bucket';
  }
  const region = url.searchParams.get('region') ?? 'us-east-1';
  if (url.protocol === 's3:') {
    if (!url.hostname) return 'S3_URL s3://… must name the bucket: s3://bucket/prefix';
    return { bucket: url.hostname, prefix: prefixOf(url.pathname.split('/').filter(Boolean)), region: url.searchParams.get('region') ?? '' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `S3_URL must start with s3://, https:// or http:// (got ${url.protocol})`;
  const [bucket, ...rest] = url.pathname.split('/').filter(Boolean);
  if (!bucket) return 'S3_URL must name the bucket after the host: https://KEY:SECRET@host/bucket';
  if (!url.username || !url.password) return 'S3_URL for an S3-compatible server needs the access key and secret: https://KEY:SECRET@host/bucket (percent-encode / and @ in them)';
  return {
    bucket,
    prefix: prefixOf(rest),
    endpoint: `${url.protocol}//${url.host}`,
    region,
    accessKeyId: decodeURIComponent(url.username),
    secretAccessKey: decodeURIComponent(url.password),
  };
}

const prefixOf = (parts: string[]) => (parts.length ? `${parts.join('/')}/` : '');
