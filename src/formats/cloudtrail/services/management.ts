// CloudTrail, Systems Manager and Secrets Manager calls → the trail, parameter, document or
// secret they change. Trails and secrets may be named by name or ARN; both give the name.
import { forEach, type EventRule, type ServiceRules } from './rule.ts';

const TRAIL: EventRule = { type: 'Trail', ids: ['request.name', 'request.trailName'] };

export const CLOUDTRAIL_RULES: ServiceRules = {
  CreateTrail: { ...TRAIL, ids: ['request.name', 'response.name'] },
  DeleteTrail: { ...TRAIL, deletes: true },
  ...forEach(['UpdateTrail', 'StartLogging', 'StopLogging', 'PutEventSelectors', 'PutInsightSelectors'], TRAIL),
  ...forEach(['AddTags', 'RemoveTags'], { type: () => 'Trail', ids: ['request.resourceId'] }),
  CreateEventDataStore: { type: 'EventDataStore', ids: ['response.eventDataStoreArn', 'request.name'] },
  ...forEach(['UpdateEventDataStore', 'StartEventDataStoreIngestion', 'StopEventDataStoreIngestion'], {
    type: 'EventDataStore',
    ids: ['request.eventDataStore'],
  }),
  DeleteEventDataStore: { type: 'EventDataStore', ids: ['request.eventDataStore'], deletes: true },
};

const PARAMETER: EventRule = { type: 'Parameter', ids: ['request.name'] };
const DOCUMENT: EventRule = { type: 'Document', ids: ['request.name'] };

export const SSM_RULES: ServiceRules = {
  PutParameter: PARAMETER,
  LabelParameterVersion: PARAMETER,
  UnlabelParameterVersion: PARAMETER,
  DeleteParameter: { ...PARAMETER, deletes: true },
  DeleteParameters: { type: 'Parameter', ids: ['response.deletedParameters', 'request.names'], deletes: true },
  CreateDocument: DOCUMENT,
  UpdateDocument: DOCUMENT,
  UpdateDocumentDefaultVersion: DOCUMENT,
  ModifyDocumentPermission: DOCUMENT,
  DeleteDocument: { ...DOCUMENT, deletes: true },
  CreateAssociation: { type: 'Association', ids: ['response.associationDescription.associationId'] },
  UpdateAssociation: { type: 'Association', ids: ['request.associationId'] },
  DeleteAssociation: { type: 'Association', ids: ['request.associationId'], deletes: true },
};

const SECRET: EventRule = { type: 'Secret', ids: ['request.secretId'] };

export const SECRETS_MANAGER_RULES: ServiceRules = {
  CreateSecret: { ...SECRET, ids: ['response.aRN', 'response.arn', 'request.name'] },
  DeleteSecret: { ...SECRET, deletes: true },
  ...forEach(
    [
      'PutSecretValue',
      'UpdateSecret',
      'RestoreSecret',
      'RotateSecret',
      'CancelRotateSecret',
      'TagResource',
      'UntagResource',
      'PutResourcePolicy',
      'DeleteResourcePolicy',
      'ReplicateSecretToRegions',
      'RemoveRegionsFromReplication',
      'UpdateSecretVersionStage',
      'StopReplicationToReplica',
    ],
    SECRET,
  ),
  // Service events name the secret in additionalEventData.
  ...forEach(
    [
      'RotationStarted',
      'RotationSucceeded',
      'RotationFailed',
      'RotationAbandoned',
      'CancelSecretVersionDelete',
      'EndSecretVersionDelete',
      'StartSecretVersionDelete',
    ],
    {
      ...SECRET,
      ids: ['request.secretId', 'additional.SecretId'],
    },
  ),
};
