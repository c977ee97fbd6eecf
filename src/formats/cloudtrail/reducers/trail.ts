// CloudTrail trails: whether the trail is logging (CreateTrail does not start it; Start/
// StopLogging do), its settings from CreateTrail/UpdateTrail, and its event and Insights
// selectors. Basic and advanced event selectors replace each other, as in the API.
import { record, withKey, withKeys, type Configuration, type ConfigurationReducer } from './reducer.ts';

const SETTINGS = [
  's3BucketName',
  's3KeyPrefix',
  'snsTopicName',
  'includeGlobalServiceEvents',
  'isMultiRegionTrail',
  'enableLogFileValidation',
  'cloudWatchLogsLogGroupArn',
  'cloudWatchLogsRoleArn',
  'kmsKeyId',
  'isOrganizationTrail',
] as const;

function withSettings(configuration: Configuration, request: Readonly<Record<string, unknown>>): Configuration {
  const given = Object.fromEntries(SETTINGS.filter((key) => key in request).map((key) => [key, request[key]]));
  const settings = { ...record(configuration['settings']), ...given };
  for (const [key, value] of Object.entries(settings)) if (value === null || value === '') delete settings[key];
  return withKey(configuration, 'settings', settings);
}

export const reduceTrail: ConfigurationReducer = (configuration, { api, request }) => {
  switch (api) {
    case 'CreateTrail':
      return withKeys(withSettings(configuration, request), { logging: configuration['logging'] ?? false });
    case 'UpdateTrail':
      return withSettings(configuration, request);
    case 'StartLogging':
      return withKey(configuration, 'logging', true);
    case 'StopLogging':
      return withKey(configuration, 'logging', false);
    case 'PutEventSelectors': {
      const basic = request['eventSelectors'];
      const advanced = request['advancedEventSelectors'];
      if (Array.isArray(advanced) && advanced.length > 0)
        return withKey(withKey(configuration, 'eventSelectors', undefined), 'advancedEventSelectors', advanced);
      return withKey(
        withKey(configuration, 'advancedEventSelectors', undefined),
        'eventSelectors',
        Array.isArray(basic) ? basic : undefined,
      );
    }
    case 'PutInsightSelectors':
      return withKey(configuration, 'insightSelectors', request['insightSelectors']);
    default:
      return configuration;
  }
};
