// S3 buckets: bucket policy (decoded, also when sent as a URL-encoded string), public access
// block, ACL (grants or canned), versioning, encryption, logging, replication, lifecycle,
// ownership controls and tags. Each Put sets its section, each Delete removes it.
import { record, tagMap, text, withKey, withoutXmlns, type ConfigurationReducer } from './reducer.ts';

/** `Put…` event → [configuration key, requestParameters key holding the new value]. */
const PUTS: Readonly<Record<string, readonly [string, string]>> = {
  PutBucketPublicAccessBlock: ['publicAccessBlock', 'PublicAccessBlockConfiguration'],
  PutBucketVersioning: ['versioning', 'VersioningConfiguration'],
  PutBucketEncryption: ['encryption', 'ServerSideEncryptionConfiguration'],
  PutBucketLogging: ['logging', 'BucketLoggingStatus'],
  PutBucketReplication: ['replication', 'ReplicationConfiguration'],
  PutBucketLifecycle: ['lifecycle', 'LifecycleConfiguration'],
  PutBucketOwnershipControls: ['ownershipControls', 'OwnershipControls'],
  PutBucketCors: ['cors', 'CORSConfiguration'],
  PutBucketWebsite: ['website', 'WebsiteConfiguration'],
};

const DELETES: Readonly<Record<string, string>> = {
  DeleteBucketPolicy: 'policy',
  DeleteBucketPublicAccessBlock: 'publicAccessBlock',
  DeleteBucketEncryption: 'encryption',
  DeleteBucketReplication: 'replication',
  DeleteBucketLifecycle: 'lifecycle',
  DeleteBucketOwnershipControls: 'ownershipControls',
  DeleteBucketCors: 'cors',
  DeleteBucketWebsite: 'website',
  DeleteBucketTagging: 'tags',
};

function aclOf(request: Readonly<Record<string, unknown>>): unknown {
  const policy = request['AccessControlPolicy'];
  if (policy !== undefined && policy !== null && typeof policy === 'object') return withoutXmlns(policy);
  const canned = request['x-amz-acl'];
  const value = Array.isArray(canned) ? canned.find((item) => typeof item === 'string' && item !== '') : text(canned);
  return typeof value === 'string' ? { canned: value } : undefined;
}

export const reduceBucket: ConfigurationReducer = (configuration, { api, request }) => {
  if (Object.hasOwn(PUTS, api)) {
    const [key, from] = PUTS[api] as readonly [string, string];
    const value = request[from];
    return value === undefined ? configuration : withKey(configuration, key, withoutXmlns(value));
  }
  if (Object.hasOwn(DELETES, api)) return withKey(configuration, DELETES[api] as string, undefined);
  switch (api) {
    case 'PutBucketPolicy': {
      // `policy` beside it is the query-string flag (`[""]`), not the document.
      const policy = request['bucketPolicy'];
      return policy === undefined ? configuration : withKey(configuration, 'policy', policy);
    }
    case 'PutBucketAcl': {
      const acl = aclOf(request);
      return acl === undefined ? configuration : withKey(configuration, 'acl', acl);
    }
    case 'PutBucketTagging': {
      const tagging = record(request['Tagging']);
      // XML turned JSON: one tag is an object, several an array.
      const tag = record(tagging['TagSet'])['Tag'];
      return withKey(configuration, 'tags', tagMap(Array.isArray(tag) ? tag : tag === undefined ? [] : [tag]));
    }
    default:
      return configuration;
  }
};
