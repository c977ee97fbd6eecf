// IAM managed policies: the default version's `document`, every version known from the
// trail (`versions`), description, path and tags. A default set to a version the trail
// never showed leaves `document` out rather than showing a stale one.
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

export const reducePolicy: ConfigurationReducer = (configuration, { api, request, response }) => {
  switch (api) {
    case 'CreatePolicy': {
      const policy = record(response['policy']);
      const version = text(policy['defaultVersionId']) ?? 'v1';
      const document = request['policyDocument'];
      return withKeys(configuration, {
        description: text(request['description']),
        path: text(request['path']) ?? text(policy['path']),
        policyId: text(policy['policyId']),
        defaultVersionId: version,
        document,
        versions: document === undefined ? undefined : withEntry(configuration['versions'], version, document),
        tags: Array.isArray(request['tags']) ? tagMap(request['tags']) : undefined,
      });
    }
    case 'CreatePolicyVersion': {
      const version = text(record(response['policyVersion'])['versionId']);
      const document = request['policyDocument'];
      const withVersion =
        version === undefined
          ? configuration
          : withKey(configuration, 'versions', withEntry(configuration['versions'], version, document));
      if (request['setAsDefault'] !== true && request['setAsDefault'] !== 'true') return withVersion;
      return withKey(withKey(withVersion, 'document', document), 'defaultVersionId', version);
    }
    case 'SetDefaultPolicyVersion': {
      const version = text(request['versionId']);
      if (version === undefined) return configuration;
      const versions = record(configuration['versions']);
      return withKey(
        withKey(configuration, 'defaultVersionId', version),
        'document',
        Object.hasOwn(versions, version) ? versions[version] : undefined,
      );
    }
    case 'DeletePolicyVersion': {
      const version = text(request['versionId']);
      return version === undefined
        ? configuration
        : withKey(configuration, 'versions', withEntry(configuration['versions'], version, undefined));
    }
    case 'TagPolicy':
      return withKey(configuration, 'tags', updateTags(configuration['tags'], tagMap(request['tags'])));
    case 'UntagPolicy':
      return withKey(configuration, 'tags', updateTags(configuration['tags'], {}, stringList(request['tagKeys'])));
    default:
      return configuration;
  }
};
