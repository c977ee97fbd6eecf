// The calls that recreate a recorded security group, S3 bucket, KMS key or CloudTrail trail
// from the `configuration:` their reducers kept. A new group or key gets a new id: later calls
// take it from the create call's response.
import {
  type ApiCall,
  compact,
  list,
  Plan,
  pascalKeys,
  policyJson,
  record,
  tagList,
  text,
  type RecreatePlan,
} from './aws-call.ts';

function ipPermission(rule: Record<string, unknown>): Record<string, unknown> {
  const description = text(rule['description']);
  const source = (key: string, value: unknown) => [compact({ [key]: value, Description: description })];
  return compact({
    IpProtocol: rule['ipProtocol'],
    FromPort: rule['fromPort'],
    ToPort: rule['toPort'],
    IpRanges: rule['cidrIpv4'] ? source('CidrIp', rule['cidrIpv4']) : undefined,
    Ipv6Ranges: rule['cidrIpv6'] ? source('CidrIpv6', rule['cidrIpv6']) : undefined,
    UserIdGroupPairs: rule['referencedGroupId'] ? source('GroupId', rule['referencedGroupId']) : undefined,
    PrefixListIds: rule['prefixListId'] ? source('PrefixListId', rule['prefixListId']) : undefined,
  });
}

const isDefaultEgress = (rule: Record<string, unknown>) =>
  rule['ipProtocol'] === '-1' && rule['cidrIpv4'] === '0.0.0.0/0';

export function securityGroupCalls(id: string, configuration: Record<string, unknown>): RecreatePlan {
  const plan = new Plan();
  const name = text(configuration['groupName']);
  // A group created before the record began: its rules can still be put back on it.
  const target: Partial<ApiCall> = name ? { uses: { GroupId: 'GROUP_ID' } } : {};
  const group = name ? {} : { GroupId: id };
  if (name)
    plan.call(
      'ec2',
      'CreateSecurityGroup',
      { GroupName: name, Description: text(configuration['description']) ?? name, VpcId: text(configuration['vpcId']) },
      { captures: { variable: 'GROUP_ID', query: 'GroupId' } },
    );
  else plan.notes.push(`the group was created before the record began: its rules are authorized on ${id}`);
  for (const rule of list(configuration['ingress']).map(record))
    plan.call('ec2', 'AuthorizeSecurityGroupIngress', { ...group, IpPermissions: [ipPermission(rule)] }, target);
  if (configuration['egress'] !== undefined) {
    const egress = list(configuration['egress']).map(record);
    // A new group comes with the rule allowing all outbound traffic.
    if (name && !egress.some(isDefaultEgress))
      plan.call(
        'ec2',
        'RevokeSecurityGroupEgress',
        { IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] },
        target,
      );
    for (const rule of egress.filter((rule) => !isDefaultEgress(rule)))
      plan.call('ec2', 'AuthorizeSecurityGroupEgress', { ...group, IpPermissions: [ipPermission(rule)] }, target);
  }
  return plan.done();
}

/** Bucket configuration key → [operation, parameter] of the call that sets it. */
const BUCKET_PUTS: Readonly<Record<string, readonly [string, string]>> = {
  publicAccessBlock: ['PutPublicAccessBlock', 'PublicAccessBlockConfiguration'],
  versioning: ['PutBucketVersioning', 'VersioningConfiguration'],
  encryption: ['PutBucketEncryption', 'ServerSideEncryptionConfiguration'],
  logging: ['PutBucketLogging', 'BucketLoggingStatus'],
  replication: ['PutBucketReplication', 'ReplicationConfiguration'],
  lifecycle: ['PutBucketLifecycleConfiguration', 'LifecycleConfiguration'],
  ownershipControls: ['PutBucketOwnershipControls', 'OwnershipControls'],
  cors: ['PutBucketCors', 'CORSConfiguration'],
  website: ['PutBucketWebsite', 'WebsiteConfiguration'],
};

export function bucketCalls(bucket: string, region: string, configuration: Record<string, unknown>): RecreatePlan {
  const plan = new Plan();
  const located = region !== 'us-east-1' && region !== 'global';
  plan.call('s3api', 'CreateBucket', {
    Bucket: bucket,
    CreateBucketConfiguration: located ? { LocationConstraint: region } : undefined,
  });
  const policy = policyJson(configuration['policy']);
  if (policy) plan.call('s3api', 'PutBucketPolicy', { Bucket: bucket, Policy: policy });
  for (const [key, [operation, parameter]] of Object.entries(BUCKET_PUTS)) {
    if (configuration[key] === undefined) continue;
    plan.call('s3api', operation, { Bucket: bucket, [parameter]: configuration[key] });
    plan.notes.push(
      `${operation}: ${parameter} as CloudTrail recorded the request (XML read as JSON): check its shape`,
    );
  }
  const acl = record(configuration['acl']);
  if (typeof acl['canned'] === 'string') plan.call('s3api', 'PutBucketAcl', { Bucket: bucket, ACL: acl['canned'] });
  else if (Object.keys(acl).length > 0)
    plan.call('s3api', 'PutBucketAcl', { Bucket: bucket, AccessControlPolicy: acl });
  const tags = tagList(configuration['tags']);
  if (tags) plan.call('s3api', 'PutBucketTagging', { Bucket: bucket, Tagging: { TagSet: tags } });
  return plan.done();
}

export function keyCalls(configuration: Record<string, unknown>): RecreatePlan {
  const plan = new Plan();
  const uses = { uses: { KeyId: 'KEY_ID' } };
  plan.call(
    'kms',
    'CreateKey',
    {
      Description: text(configuration['description']),
      KeyUsage: text(configuration['keyUsage']),
      KeySpec: text(configuration['keySpec']),
      Origin: text(configuration['origin']),
      MultiRegion: typeof configuration['multiRegion'] === 'boolean' ? configuration['multiRegion'] : undefined,
      CustomKeyStoreId: text(configuration['customKeyStoreId']),
      Policy: policyJson(configuration['policy']),
      Tags: tagList(configuration['tags'], 'TagKey', 'TagValue'),
    },
    { captures: { variable: 'KEY_ID', query: 'KeyMetadata.KeyId' } },
  );
  plan.notRestorable.push('key material: a new key has new material; what the old key encrypted stays unreadable');
  if (configuration['origin'] === 'EXTERNAL') plan.notes.push('imported key material must be imported again');
  if (configuration['rotationEnabled'] === true)
    plan.call('kms', 'EnableKeyRotation', { RotationPeriodInDays: configuration['rotationPeriodInDays'] }, uses);
  if (configuration['keyState'] === 'Disabled') plan.call('kms', 'DisableKey', {}, uses);
  for (const grant of Object.values(record(configuration['grants'])))
    plan.call('kms', 'CreateGrant', record(pascalKeys(grant)), uses);
  return plan.done();
}

export function trailCalls(name: string, configuration: Record<string, unknown>): RecreatePlan {
  const plan = new Plan();
  const settings = record(pascalKeys(configuration['settings']));
  if (settings['S3BucketName'] !== undefined) plan.call('cloudtrail', 'CreateTrail', { Name: name, ...settings });
  else {
    // Created before the record began: what was recorded is applied to the existing trail.
    plan.notes.push(`the trail was created before the record began: the recorded settings are applied to ${name}`);
    if (Object.keys(settings).length > 0) plan.call('cloudtrail', 'UpdateTrail', { Name: name, ...settings });
  }
  const basic = configuration['eventSelectors'];
  const advanced = configuration['advancedEventSelectors'];
  if (basic !== undefined || advanced !== undefined)
    plan.call('cloudtrail', 'PutEventSelectors', {
      TrailName: name,
      EventSelectors: basic === undefined ? undefined : pascalKeys(basic),
      AdvancedEventSelectors: advanced === undefined ? undefined : pascalKeys(advanced),
    });
  if (configuration['insightSelectors'] !== undefined)
    plan.call('cloudtrail', 'PutInsightSelectors', {
      TrailName: name,
      InsightSelectors: pascalKeys(configuration['insightSelectors']),
    });
  if (configuration['logging'] === true) plan.call('cloudtrail', 'StartLogging', { Name: name });
  return plan.done();
}
