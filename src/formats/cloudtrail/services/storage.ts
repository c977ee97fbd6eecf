// S3 and KMS calls → the bucket or key they change. Object-level S3 calls are data events
// (see classify.ts). KMS names keys by id, ARN or alias; the key's ARN in the record's
// `resources` is preferred by the resolver, so these rules matter mostly without it.
import { forEach, type EventRule, type ServiceRules } from './rule.ts';

const BUCKET: EventRule = { type: 'Bucket', ids: ['request.bucketName'] };
// A key may be named by an alias, which says nothing about which key it is.
const KEY: EventRule = {
  type: 'Key',
  ids: ['request.keyId'],
  normaliseId: (id) => (id.startsWith('alias/') ? undefined : id),
};
const ALIAS: EventRule = { type: 'Alias', ids: ['request.aliasName'], normaliseId: (id) => id.replace(/^alias\//, '') };
const KEY_STORE: EventRule = { type: 'CustomKeyStore', ids: ['request.customKeyStoreId'] };

export const S3_RULES: ServiceRules = {
  CreateBucket: BUCKET,
  DeleteBucket: { ...BUCKET, deletes: true },
  ...forEach(
    [
      'PutBucketPolicy',
      'DeleteBucketPolicy',
      'PutBucketAcl',
      'PutBucketPublicAccessBlock',
      'DeleteBucketPublicAccessBlock',
      'PutBucketVersioning',
      'PutBucketEncryption',
      'DeleteBucketEncryption',
      'PutBucketLogging',
      'PutBucketReplication',
      'DeleteBucketReplication',
      'PutBucketLifecycle',
      'DeleteBucketLifecycle',
      'PutBucketTagging',
      'DeleteBucketTagging',
      'PutBucketOwnershipControls',
      'DeleteBucketOwnershipControls',
      'PutBucketCors',
      'DeleteBucketCors',
      'PutBucketWebsite',
      'DeleteBucketWebsite',
      'PutBucketNotification',
      'PutBucketObjectLockConfiguration',
      'PutBucketRequestPayment',
      'PutAccelerateConfiguration',
    ],
    BUCKET,
  ),
  PutAccountPublicAccessBlock: { type: 'AccountPublicAccessBlock', ids: ['account'] },
  DeleteAccountPublicAccessBlock: { type: 'AccountPublicAccessBlock', ids: ['account'], deletes: true },
};

export const KMS_RULES: ServiceRules = {
  CreateKey: { ...KEY, ids: ['response.keyMetadata.keyId'] },
  ReplicateKey: { ...KEY, ids: ['response.replicaKeyMetadata.arn', 'request.keyId'] },
  // The key is gone only when its pending-deletion window ends: KMS then logs DeleteKey.
  DeleteKey: { ...KEY, deletes: true },
  ...forEach(
    [
      'ScheduleKeyDeletion',
      'CancelKeyDeletion',
      'EnableKey',
      'DisableKey',
      'PutKeyPolicy',
      'EnableKeyRotation',
      'DisableKeyRotation',
      'RotateKeyOnDemand',
      'RotateKey',
      'TagResource',
      'UntagResource',
      'UpdateKeyDescription',
      'CreateGrant',
      'RetireGrant',
      'RevokeGrant',
      'ImportKeyMaterial',
      'DeleteImportedKeyMaterial',
      'DeleteExpiredKeyMaterial',
      'UpdatePrimaryRegion',
      'SynchronizeMultiRegionKey',
    ],
    KEY,
  ),
  CreateAlias: [ALIAS, { ...KEY, ids: ['request.targetKeyId'] }],
  UpdateAlias: [ALIAS, { ...KEY, ids: ['request.targetKeyId'] }],
  DeleteAlias: { ...ALIAS, deletes: true },
  CreateCustomKeyStore: { ...KEY_STORE, ids: ['response.customKeyStoreId'] },
  DeleteCustomKeyStore: { ...KEY_STORE, deletes: true },
  ...forEach(['ConnectCustomKeyStore', 'DisconnectCustomKeyStore', 'UpdateCustomKeyStore'], KEY_STORE),
};
