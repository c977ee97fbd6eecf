// KMS keys: key policy (decoded), key state (Enabled, Disabled, PendingDeletion with its
// deletion date, PendingImport), rotation, description, usage and spec, tags and grants.
// ScheduleKeyDeletion keeps the file: the key exists until KMS logs DeleteKey.
import {
  record,
  stringList,
  tagMap,
  text,
  updateTags,
  withEntry,
  withKey,
  withKeys,
  type ConfigurationReducer,
} from './reducer.ts';

export const reduceKey: ConfigurationReducer = (configuration, { api, request, response }) => {
  switch (api) {
    case 'CreateKey': {
      const metadata = record(response['keyMetadata']);
      return withKeys(configuration, {
        description: text(request['description']) ?? text(metadata['description']),
        keyUsage: text(request['keyUsage']) ?? text(metadata['keyUsage']),
        keySpec: text(request['keySpec']) ?? text(metadata['keySpec']),
        origin: text(request['origin']) ?? text(metadata['origin']),
        multiRegion: typeof request['multiRegion'] === 'boolean' ? request['multiRegion'] : metadata['multiRegion'],
        customKeyStoreId: text(request['customKeyStoreId']),
        keyState: text(metadata['keyState']) ?? 'Enabled',
        policy: request['policy'],
        tags: Array.isArray(request['tags']) ? tagMap(request['tags']) : undefined,
      });
    }
    case 'PutKeyPolicy':
      return withKeys(configuration, { policy: request['policy'] });
    case 'EnableKey':
      return withKey(configuration, 'keyState', 'Enabled');
    case 'DisableKey':
      return withKey(configuration, 'keyState', 'Disabled');
    case 'ScheduleKeyDeletion':
      return withKeys(withKey(configuration, 'keyState', text(response['keyState']) ?? 'PendingDeletion'), {
        deletionDate: text(response['deletionDate']),
        pendingWindowInDays: response['pendingWindowInDays'] ?? request['pendingWindowInDays'],
      });
    case 'CancelKeyDeletion': {
      // A key whose deletion is cancelled comes back disabled.
      const cancelled = withKey(withKey(configuration, 'deletionDate', undefined), 'pendingWindowInDays', undefined);
      return withKey(cancelled, 'keyState', 'Disabled');
    }
    case 'ImportKeyMaterial':
      return withKey(configuration, 'keyState', 'Enabled');
    case 'DeleteImportedKeyMaterial':
    case 'DeleteExpiredKeyMaterial':
      return withKey(configuration, 'keyState', 'PendingImport');
    case 'EnableKeyRotation':
      return withKeys(withKey(configuration, 'rotationEnabled', true), {
        rotationPeriodInDays: request['rotationPeriodInDays'],
      });
    case 'DisableKeyRotation':
      return withKey(withKey(configuration, 'rotationEnabled', false), 'rotationPeriodInDays', undefined);
    case 'UpdateKeyDescription':
      return withKey(configuration, 'description', text(request['description']));
    case 'TagResource':
      return withKey(configuration, 'tags', updateTags(configuration['tags'], tagMap(request['tags'])));
    case 'UntagResource':
      return withKey(configuration, 'tags', updateTags(configuration['tags'], {}, stringList(request['tagKeys'])));
    case 'CreateGrant': {
      const grantId = text(response['grantId']);
      if (grantId === undefined) return configuration;
      const { keyId: _key, grantTokens: _tokens, ...grant } = request;
      return withKey(configuration, 'grants', withEntry(configuration['grants'], grantId, grant));
    }
    case 'RetireGrant':
    case 'RevokeGrant': {
      const grantId = text(request['grantId']) ?? text(response['grantId']);
      return grantId === undefined
        ? configuration
        : withKey(configuration, 'grants', withEntry(configuration['grants'], grantId, undefined));
    }
    default:
      return configuration;
  }
};
