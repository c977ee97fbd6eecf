// ARNs (`arn:<partition>:<service>:<region>:<account>:<resource>`) and the resource they name.
// A resource named by ARN must land at the same path as when an API names it by name or id,
// so the id taken from an ARN is the name the APIs use (role name, key id, bucket name, …).
import { ownEntry } from '../../domain/json.ts';

export interface Arn {
  readonly arn: string;
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  /** Everything after the fifth colon (`role/path/name`, `key/uuid`, `db:name`, `bucket`). */
  readonly resource: string;
}

export function parseArn(value: unknown): Arn | null {
  if (typeof value !== 'string' || !value.startsWith('arn:')) return null;
  const parts = value.split(':');
  if (parts.length < 6) return null;
  const [, partition, service, region, account] = parts as [string, string, string, string, string];
  const resource = parts.slice(5).join(':');
  if (!service || !resource) return null;
  return { arn: value, partition, service, region, account, resource };
}

/** ResourceType (last part of the CloudFormation type) by ARN service and resource prefix. */
const TYPES_BY_PREFIX: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  iam: {
    role: 'Role',
    user: 'User',
    group: 'Group',
    policy: 'ManagedPolicy',
    'instance-profile': 'InstanceProfile',
    'saml-provider': 'SAMLProvider',
    'oidc-provider': 'OIDCProvider',
    mfa: 'VirtualMFADevice',
    'server-certificate': 'ServerCertificate',
  },
  kms: { key: 'Key', alias: 'Alias' },
  rds: {
    db: 'DBInstance',
    cluster: 'DBCluster',
    snapshot: 'DBSnapshot',
    'cluster-snapshot': 'DBClusterSnapshot',
    secgrp: 'DBSecurityGroup',
    pg: 'DBParameterGroup',
    'cluster-pg': 'DBClusterParameterGroup',
    subgrp: 'DBSubnetGroup',
    'global-cluster': 'GlobalCluster',
  },
  ec2: {
    instance: 'Instance',
    'security-group': 'SecurityGroup',
    'security-group-rule': 'SecurityGroupRule',
    volume: 'Volume',
    snapshot: 'Snapshot',
    image: 'Image',
    vpc: 'VPC',
    subnet: 'Subnet',
    'key-pair': 'KeyPair',
    'network-interface': 'NetworkInterface',
    'internet-gateway': 'InternetGateway',
    'route-table': 'RouteTable',
    'network-acl': 'NetworkAcl',
    'launch-template': 'LaunchTemplate',
    'vpc-flow-log': 'FlowLog',
  },
  lambda: { function: 'Function', layer: 'LayerVersion', 'event-source-mapping': 'EventSourceMapping' },
  secretsmanager: { secret: 'Secret' },
  ssm: { parameter: 'Parameter', document: 'Document', association: 'Association' },
  cloudtrail: { trail: 'Trail', channel: 'Channel', eventdatastore: 'EventDataStore' },
  elasticloadbalancing: {
    loadbalancer: 'LoadBalancer',
    targetgroup: 'TargetGroup',
    listener: 'Listener',
    'listener-rule': 'ListenerRule',
  },
  autoscaling: { autoScalingGroup: 'AutoScalingGroup', launchConfiguration: 'LaunchConfiguration' },
  ecr: { repository: 'Repository' },
  logs: { 'log-group': 'LogGroup' },
};

/** Services whose ARNs carry no resource prefix: the resource part is the name. */
const TYPES_WITHOUT_PREFIX: Readonly<Record<string, string>> = { s3: 'Bucket', sns: 'Topic', sqs: 'Queue' };

function splitPrefix(resource: string): { prefix: string; rest: string } | null {
  const index = resource.search(/[/:]/);
  return index <= 0 ? null : { prefix: resource.slice(0, index), rest: resource.slice(index + 1) };
}

export function arnResourceType(arn: Arn): string | undefined {
  const split = splitPrefix(arn.resource);
  if (arn.service === 's3')
    return arn.account === '' && arn.region === '' && !arn.resource.includes('/') ? 'Bucket' : undefined;
  if (!split) return ownEntry(TYPES_WITHOUT_PREFIX, arn.service);
  const types = ownEntry(TYPES_BY_PREFIX, arn.service);
  return types === undefined ? undefined : ownEntry(types, split.prefix);
}

/** The name or id the service's APIs use for the resource an ARN names. */
export function arnResourceId(arn: Arn): string {
  const { service, resource } = arn;
  // Bucket ARNs have neither region nor account; other S3 ARNs (jobs, access points) do.
  if (service === 's3' && arn.region === '' && arn.account === '') return resource.split('/')[0] as string;
  if (service === 'autoscaling') {
    const named = /(?:autoScalingGroupName|launchConfigurationName)\/(.+)$/.exec(resource);
    if (named) return named[1] as string;
  }
  const split = splitPrefix(resource);
  if (!split) return resource;
  const { prefix, rest } = split;
  switch (service) {
    case 'iam':
    case 'sts':
      // role/path/name: the APIs name roles, users and policies without their path.
      return prefix === 'oidc-provider' ? rest : (rest.split('/').at(-1) as string);
    case 'lambda':
      return rest.split(':')[0] as string;
    case 'secretsmanager':
      // Secret ARNs end in `-` and six random characters that the secret's name does not have.
      return rest.replace(/-[A-Za-z0-9]{6}$/, '');
    case 'ssm':
      // Hierarchical parameter names start with `/`, which the ARN drops.
      return prefix === 'parameter' && rest.includes('/') ? `/${rest}` : rest;
    case 'logs':
      return rest.replace(/:\*$/, '');
    default:
      return rest;
  }
}
