// The AWS half of the default-policies scenario: CloudTrail records (one a minute, after the
// Kubernetes events' 09:01–09:12), each with a stable eventID the policies' expectations name.

export const ACCOUNT = '111122223333';
let clock = Date.parse('2026-05-04T09:12:00Z');
const nextTime = () => new Date((clock += 60_000)).toISOString();

type Obj = Record<string, unknown>;

const iamUser = (name: string): Obj => ({
  type: 'IAMUser',
  principalId: `AIDA${name.toUpperCase()}`,
  arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
  accountId: ACCOUNT,
  userName: name,
});
const root: Obj = { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT };
const sso = (person: string): Obj => ({
  type: 'AssumedRole',
  principalId: `AROASSO:${person}`,
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_Admin_0123/${person}`,
  accountId: ACCOUNT,
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      arn: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123`,
      userName: 'AWSReservedSSO_Admin_0123',
    },
    attributes: { mfaAuthenticated: 'true' },
  },
});

function trail(
  id: string,
  over: {
    who: Obj;
    source: string;
    name: string;
    region?: string;
    request?: Obj | null;
    response?: Obj | null;
    error?: string;
    readOnly?: boolean;
    extra?: Obj;
  },
): Obj {
  return {
    eventVersion: '1.09',
    userIdentity: over.who,
    eventTime: nextTime().replace(/\.\d+Z$/, 'Z'),
    eventSource: `${over.source}.amazonaws.com`,
    eventName: over.name,
    awsRegion: over.region ?? 'eu-west-1',
    sourceIPAddress: '198.51.100.23',
    userAgent: 'aws-cli/2.15.0',
    requestParameters: over.request ?? null,
    responseElements: over.response ?? null,
    ...(over.error ? { errorCode: over.error, errorMessage: 'denied' } : {}),
    requestID: `req-${id}`,
    eventID: id,
    readOnly: over.readOnly ?? false,
    eventType: over.source === 'signin' ? 'AwsConsoleSignIn' : 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    ...over.extra,
  };
}

const policyJson = (action: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
const ingress = (cidr: string, port: number) => ({
  groupId: 'sg-0abc',
  ipPermissions: {
    items: [{ ipProtocol: 'tcp', fromPort: port, toPort: port, ipRanges: { items: [{ cidrIp: cidr }] } }],
  },
});
const login = (who: Obj, mfa: 'Yes' | 'No', outcome = 'Success') => ({
  who,
  source: 'signin',
  name: 'ConsoleLogin',
  region: 'us-east-1',
  response: { ConsoleLogin: outcome },
  extra: { additionalEventData: { MFAUsed: mfa, LoginTo: 'https://console.aws.amazon.com' } },
});

export const CLOUDTRAIL_RECORDS: Obj[] = [
  trail('c-iam-create-role', {
    who: iamUser('bob'),
    source: 'iam',
    name: 'CreateRole',
    region: 'us-east-1',
    request: {
      roleName: 'deploy',
      assumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    },
  }),
  trail('c-iam-star-policy', {
    who: iamUser('bob'),
    source: 'iam',
    name: 'PutRolePolicy',
    region: 'us-east-1',
    request: { roleName: 'deploy', policyName: 'everything', policyDocument: policyJson('*') },
  }),
  trail('c-iam-denied', {
    who: iamUser('mallory'),
    source: 'iam',
    name: 'CreateUser',
    region: 'us-east-1',
    request: { userName: 'backdoor' },
    error: 'AccessDenied',
  }),
  trail('c-sg-world-ssh', {
    who: iamUser('ci-user'),
    source: 'ec2',
    name: 'AuthorizeSecurityGroupIngress',
    request: ingress('0.0.0.0/0', 22),
  }),
  trail('c-sg-internal', {
    who: iamUser('ci-user'),
    source: 'ec2',
    name: 'AuthorizeSecurityGroupIngress',
    request: { ...ingress('10.0.0.0/8', 443), groupId: 'sg-0def' },
  }),
  trail('c-sg-world-https', {
    who: iamUser('ci-user'),
    source: 'ec2',
    name: 'AuthorizeSecurityGroupIngress',
    request: ingress('0.0.0.0/0', 443),
  }),
  trail('c-trail-stop', {
    who: iamUser('bob'),
    source: 'cloudtrail',
    name: 'StopLogging',
    request: { name: 'org-audit' },
  }),
  trail('c-trail-start', {
    who: iamUser('bob'),
    source: 'cloudtrail',
    name: 'StartLogging',
    request: { name: 'org-audit' },
  }),
  trail('c-trail-stop-denied', {
    who: iamUser('mallory'),
    source: 'cloudtrail',
    name: 'StopLogging',
    request: { name: 'org-audit' },
    error: 'AccessDenied',
  }),
  trail('c-root-bucket-policy', {
    who: root,
    source: 's3',
    name: 'PutBucketPolicy',
    request: {
      bucketName: 'shop-assets',
      bucketPolicy: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::shop-assets/*' },
        ],
      },
    },
  }),
  trail('c-user-bucket', {
    who: iamUser('alice'),
    source: 's3',
    name: 'CreateBucket',
    request: { bucketName: 'shop-logs' },
  }),
  trail('c-login-no-mfa', login(iamUser('alice'), 'No')),
  trail('c-login-mfa', login(iamUser('alice'), 'Yes')),
  trail('c-login-sso', login(sso('carol@example.com'), 'No')),
  trail('c-login-failed', login(iamUser('alice'), 'No', 'Failure')),
  trail('c-secretsmanager-put', {
    who: iamUser('bob'),
    source: 'secretsmanager',
    name: 'PutSecretValue',
    request: {
      secretId: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:db-AbCdEf`,
      secretString: 'hunter2-plaintext',
    },
  }),
];
