// The embedded broker's object store: s3rver (npm) keeping objects on disk, with the two things tansu's
// object-store engine relies on and s3rver lacks.
//
// 1. Conditional writes. tansu keeps each partition's high watermark in one object and updates it with
//    optimistic concurrency: PUT with If-None-Match: * (create) or If-Match: <etag> (update), retrying
//    on 412. s3rver ignores both headers, so a broker fresh from a restart overwrote the watermark (and
//    then record batches from offset 0), and two concurrent produces to one partition could both win.
//    Here a PUT whose condition fails gets 412 PreconditionFailed, checked and written under a per-key
//    lock (Node runs one request handler at a time between awaits; the lock spans the awaits).
// 2. Atomic writes. s3rver truncates the object file and streams into it: a kill -9 in between leaves
//    half an object. Here an object is written to a temporary file and renamed over the old one. No
//    fsync: a killed process loses nothing the kernel already has (what the fault tests kill), and a
//    power loss is the production cluster's job (Apache Kafka with replication), not this broker's.
//
// Usage: node server.js DIRECTORY PORT BUCKET   (NODE_PATH must find s3rver)
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { pick, pickBy } = require('lodash');
const S3rver = require('s3rver');
const S3Object = require('s3rver/lib/models/object');

const [directory, port, bucket] = process.argv.slice(2);
const server = new S3rver({ directory, port: Number(port), address: '127.0.0.1', silent: true,
                            configureBuckets: [{ name: bucket }] });
const store = server.store;

const locks = new Map();
async function withLock(key, fn) {
  const before = locks.get(key) || Promise.resolve();
  let release;
  const mine = new Promise((resolve) => { release = resolve; });
  const chain = before.then(() => mine);
  locks.set(key, chain);
  await before;
  try {
    return await fn();
  } finally {
    release();
    if (locks.get(key) === chain) locks.delete(key);
  }
}

function writeAtomically(file, data) {
  const tmp = `${file}.tmp-${process.pid}-${crypto.randomBytes(6).toString('hex')}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, data);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

async function readAll(stream) {
  if (Buffer.isBuffer(stream)) return stream;
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

store.putObject = async function putObject(object) {
  const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
  fs.mkdirSync(path.dirname(objectPath), { recursive: true });
  const content = await readAll(object.content);
  const md5 = crypto.createHash('md5').update(content).digest('hex');
  const metadata = { ...pick(object.metadata, S3Object.ALLOWED_METADATA),
                    ...pickBy(object.metadata, (value, name) => name.startsWith('x-amz-meta-')) };
  writeAtomically(objectPath, content);
  writeAtomically(`${objectPath}.md5`, md5);
  writeAtomically(this.getResourcePath(object.bucket, object.key, 'metadata.json'), JSON.stringify(metadata));
  return { size: content.length, md5 };
};

const unquote = (tag) => (tag || '').trim().replace(/^W\//, '').replace(/^"|"$/g, '');

async function currentEtag(b, key) {
  try {
    return unquote((await store.getMetadata(b, key)).etag);
  } catch (err) {
    if (err.code === 'ENOENT') return null;
    throw err;
  }
}

// Runs before s3rver's own middleware (unshifted below).
async function conditionalPut(ctx, next) {
  const match = ctx.headers['if-match'];
  const noneMatch = ctx.headers['if-none-match'];
  const parts = ctx.path.split('/').filter(Boolean);
  if (ctx.method !== 'PUT' || parts.length < 2 || (!match && !noneMatch)) return next();
  const key = parts.slice(1).map(decodeURIComponent).join('/');
  return withLock(`${parts[0]}/${key}`, async () => {
    const etag = await currentEtag(parts[0], key);
    const fails = (noneMatch && noneMatch.trim() === '*' && etag !== null)
      || (match && (etag === null || unquote(match) !== etag));
    if (fails) {
      ctx.status = 412;
      ctx.type = 'application/xml';
      ctx.body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code>'
        + '<Message>At least one of the preconditions you specified did not hold.</Message></Error>';
      return undefined;
    }
    return next();
  });
}

server.middleware.unshift(conditionalPut);
server.run().then(() => process.stdout.write(`object store listening on 127.0.0.1:${port}\n`));
