// Where secrets live in AWS write calls, kept as data: per CloudTrail `eventSource`, the field
// names (any depth, case-insensitive) of `requestParameters`/`responseElements` that carry a
// secret value. Researched from each service's API reference; every entry has a test
// (secret-fields.test.ts). Environment variables (Lambda, ECS, Batch, CodeBuild, Amplify) are
// covered by name in env-redaction.ts, so a service whose only secrets are there has no fields.
export interface SecretFieldEntry {
  readonly service: string;
  readonly eventSource: string;
  /** Field names whose value is a secret. */
  readonly fields: readonly string[];
  /** The API calls that carry them (documentation and tests). */
  readonly calls: readonly string[];
}

export const AWS_SECRET_FIELDS: readonly SecretFieldEntry[] = [
  {
    service: 'IAM',
    eventSource: 'iam.amazonaws.com',
    fields: ['password', 'newPassword', 'oldPassword', 'privateKey', 'secretAccessKey', 'servicePassword'],
    calls: ['CreateLoginProfile', 'UpdateLoginProfile', 'ChangePassword', 'UploadServerCertificate', 'CreateAccessKey'],
  },
  {
    service: 'STS',
    eventSource: 'sts.amazonaws.com',
    fields: ['secretAccessKey', 'sessionToken', 'sAMLAssertion', 'webIdentityToken'],
    calls: ['AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity', 'GetSessionToken'],
  },
  { service: 'SSM', eventSource: 'ssm.amazonaws.com', fields: ['value'], calls: ['PutParameter'] },
  {
    service: 'Secrets Manager',
    eventSource: 'secretsmanager.amazonaws.com',
    fields: ['secretString', 'secretBinary'],
    calls: ['CreateSecret', 'PutSecretValue', 'UpdateSecret'],
  },
  {
    service: 'RDS, Aurora, DocumentDB, Neptune',
    eventSource: 'rds.amazonaws.com',
    fields: ['masterUserPassword', 'tdeCredentialPassword'],
    calls: ['CreateDBInstance', 'CreateDBCluster', 'ModifyDBInstance', 'ModifyDBCluster'],
  },
  {
    service: 'Redshift',
    eventSource: 'redshift.amazonaws.com',
    fields: ['masterUserPassword'],
    calls: ['CreateCluster', 'ModifyCluster'],
  },
  {
    service: 'Redshift Serverless',
    eventSource: 'redshift-serverless.amazonaws.com',
    fields: ['adminUserPassword'],
    calls: ['CreateNamespace', 'UpdateNamespace'],
  },
  {
    service: 'ElastiCache',
    eventSource: 'elasticache.amazonaws.com',
    fields: ['authToken', 'passwords'],
    calls: ['CreateReplicationGroup', 'ModifyReplicationGroup', 'CreateCacheCluster', 'CreateUser', 'ModifyUser'],
  },
  {
    service: 'MemoryDB',
    eventSource: 'memorydb.amazonaws.com',
    fields: ['passwords'],
    calls: ['CreateUser', 'UpdateUser'],
  },
  {
    service: 'DMS',
    eventSource: 'dms.amazonaws.com',
    fields: ['password', 'sslClientKeyPassword'],
    calls: ['CreateEndpoint', 'ModifyEndpoint'],
  },
  {
    service: 'Glue',
    eventSource: 'glue.amazonaws.com',
    fields: [
      'PASSWORD',
      'ENCRYPTED_PASSWORD',
      'KAFKA_SASL_SCRAM_PASSWORD',
      'KAFKA_SASL_PLAIN_PASSWORD',
      'KAFKA_CLIENT_KEY_PASSWORD',
      'KAFKA_CLIENT_KEYSTORE_PASSWORD',
    ],
    calls: ['CreateConnection', 'UpdateConnection'],
  },
  {
    service: 'CodeBuild',
    eventSource: 'codebuild.amazonaws.com',
    fields: ['token'],
    calls: ['ImportSourceCredentials'],
  },
  {
    service: 'Cognito user pools',
    eventSource: 'cognito-idp.amazonaws.com',
    fields: ['password', 'temporaryPassword', 'previousPassword', 'proposedPassword', 'clientSecret', 'secretHash'],
    calls: ['AdminCreateUser', 'AdminSetUserPassword', 'ChangePassword', 'SignUp', 'CreateUserPoolClient'],
  },
  {
    service: 'OpenSearch',
    eventSource: 'es.amazonaws.com',
    fields: ['masterUserPassword'],
    calls: ['CreateDomain', 'UpdateDomainConfig'],
  },
  {
    service: 'Amazon MQ',
    eventSource: 'mq.amazonaws.com',
    fields: ['password'],
    calls: ['CreateBroker', 'CreateUser'],
  },
  { service: 'AppSync', eventSource: 'appsync.amazonaws.com', fields: ['apiKey'], calls: ['CreateApiKey'] },
  {
    service: 'Amplify',
    eventSource: 'amplify.amazonaws.com',
    fields: ['basicAuthCredentials', 'accessToken', 'oauthToken'],
    calls: ['CreateApp', 'UpdateApp', 'CreateBranch'],
  },
  {
    service: 'Directory Service',
    eventSource: 'ds.amazonaws.com',
    fields: ['password', 'newPassword', 'trustPassword', 'sharedSecret'],
    calls: ['CreateDirectory', 'CreateMicrosoftAD', 'ResetUserPassword', 'CreateTrust', 'EnableRadius'],
  },
  {
    service: 'Transfer Family',
    eventSource: 'transfer.amazonaws.com',
    fields: ['hostKey', 'privateKey'],
    calls: ['CreateServer', 'UpdateServer', 'ImportCertificate'],
  },
  {
    service: 'DataSync',
    eventSource: 'datasync.amazonaws.com',
    fields: ['password', 'secretKey', 'token'],
    calls: ['CreateLocationSmb', 'CreateLocationObjectStorage', 'CreateLocationAzureBlob'],
  },
  // Lambda, ECS, EKS and Batch carry secrets in environment variables only (env-redaction.ts).
  { service: 'Lambda', eventSource: 'lambda.amazonaws.com', fields: [], calls: ['CreateFunction20150331'] },
  { service: 'ECS', eventSource: 'ecs.amazonaws.com', fields: [], calls: ['RegisterTaskDefinition'] },
  { service: 'EKS', eventSource: 'eks.amazonaws.com', fields: [], calls: ['CreateCluster'] },
  { service: 'Batch', eventSource: 'batch.amazonaws.com', fields: [], calls: ['RegisterJobDefinition'] },
];

const BY_SOURCE: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  AWS_SECRET_FIELDS.map((entry) => [entry.eventSource, new Set(entry.fields.map((field) => field.toLowerCase()))]),
);

/** `keys` plus the secret fields of the service that emitted the record. */
export function keysForEventSource(eventSource: string | undefined, keys: ReadonlySet<string>): ReadonlySet<string> {
  const fields = eventSource ? BY_SOURCE.get(eventSource) : undefined;
  return fields && fields.size > 0 ? new Set([...keys, ...fields]) : keys;
}
