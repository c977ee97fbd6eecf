// Folds one CloudTrail API call into its resource's document (DESIGN §4):
//   resourceType, id, arn   what the file is (arn once any call revealed it)
//   calls.<Api>             the latest eventID, eventTime, requestParameters and
//                           responseElements of each API call made on the resource
//   configuration           the state kept by the reducers of security-critical types
// Policy documents held in strings are decoded to structure. A deleting call removes the file.
import type { CloudTrailCall, Doc } from '../../domain/change.ts';
import { decodeEmbeddedDocuments } from './policy-document.ts';
import { apiName, serviceOf } from './record.ts';
import { reducePolicy } from './reducers/iam-policy.ts';
import { reduceGroup, reduceRole, reduceUser } from './reducers/iam-principal.ts';
import { record, type Configuration, type ConfigurationReducer, type DecodedCall } from './reducers/reducer.ts';
import { reduceBucket } from './reducers/s3-bucket.ts';
import { reduceKey } from './reducers/kms-key.ts';
import { reduceSecurityGroup } from './reducers/security-group.ts';
import { reduceTrail } from './reducers/trail.ts';

/** Reducers by `<service>:<ResourceType>`. */
const REDUCERS: Readonly<Record<string, ConfigurationReducer>> = {
  'iam:Role': reduceRole,
  'iam:User': reduceUser,
  'iam:Group': reduceGroup,
  'iam:ManagedPolicy': reducePolicy,
  'ec2:SecurityGroup': reduceSecurityGroup,
  's3:Bucket': reduceBucket,
  'kms:Key': reduceKey,
  'cloudtrail:Trail': reduceTrail,
};

function reducerFor(call: CloudTrailCall): ConfigurationReducer | undefined {
  const key = `${serviceOf(call.eventSource)}:${call.resourceType}`;
  return Object.hasOwn(REDUCERS, key) ? REDUCERS[key] : undefined;
}

export function reduceCloudTrailCall(prev: Doc | null, call: CloudTrailCall): Doc | null {
  if (call.deletes) return null;
  const requestParameters = decodeEmbeddedDocuments(call.requestParameters ?? null);
  const responseElements = decodeEmbeddedDocuments(call.responseElements ?? null);
  const decoded: DecodedCall = {
    api: apiName(call.eventName),
    request: record(requestParameters),
    response: record(responseElements),
    call,
  };
  const calls = { ...record(prev?.['calls']) };
  calls[decoded.api] = { eventID: call.eventId, eventTime: call.eventTime, requestParameters, responseElements };
  const reducer = reducerFor(call);
  const previous: Configuration = record(prev?.['configuration']);
  const configuration = reducer ? reducer(previous, decoded) : previous;
  const doc: Doc = { ...(prev ?? {}), resourceType: call.resourceType, id: call.resourceId, calls };
  const arn = call.arn ?? prev?.['arn'];
  if (typeof arn === 'string') doc['arn'] = arn;
  if (Object.keys(configuration).length > 0) doc['configuration'] = configuration;
  else delete doc['configuration'];
  return doc;
}
