// The IAM calls that recreate a recorded role, user, group or managed policy from the
// `configuration:` its reducer kept: create, then each inline policy, attached policy and
// membership. Passwords, access keys and MFA devices are never recorded: they are named.
import { list, Plan, policyJson, record, tagList, text, type RecreatePlan } from './aws-call.ts';

type Principal = 'Role' | 'User' | 'Group';

/** Inline policies, managed policies attached and the permissions boundary, as every principal has them. */
function policies(plan: Plan, kind: Principal, name: string, configuration: Record<string, unknown>): void {
  const nameKey = `${kind}Name`;
  for (const [policyName, document] of Object.entries(record(configuration['inlinePolicies'])))
    plan.call('iam', `Put${kind}Policy`, {
      [nameKey]: name,
      PolicyName: policyName,
      PolicyDocument: policyJson(document),
    });
  for (const arn of list(configuration['attachedPolicies']))
    plan.call('iam', `Attach${kind}Policy`, { [nameKey]: name, PolicyArn: arn });
}

export function roleCalls(name: string, configuration: Record<string, unknown>): RecreatePlan {
  const plan = new Plan();
  const service = text(configuration['serviceName']);
  const trust = configuration['assumeRolePolicy'];
  if (service) plan.call('iam', 'CreateServiceLinkedRole', { AWSServiceName: service });
  else if (trust === undefined) {
    plan.notRestorable.push(
      'configuration.assumeRolePolicy: the trust policy was never recorded (CreateRole needs it)',
    );
  } else {
    plan.call('iam', 'CreateRole', {
      RoleName: name,
      AssumeRolePolicyDocument: policyJson(trust),
      Path: text(configuration['path']),
      Description: text(configuration['description']),
      MaxSessionDuration: configuration['maxSessionDuration'],
      PermissionsBoundary: text(configuration['permissionsBoundary']),
      Tags: tagList(configuration['tags']),
    });
  }
  policies(plan, 'Role', name, configuration);
  return plan.done();
}

export function userCalls(name: string, configuration: Record<string, unknown>): RecreatePlan {
  const plan = new Plan();
  plan.call('iam', 'CreateUser', {
    UserName: name,
    Path: text(configuration['path']),
    PermissionsBoundary: text(configuration['permissionsBoundary']),
    Tags: tagList(configuration['tags']),
  });
  policies(plan, 'User', name, configuration);
  for (const group of list(configuration['groups']))
    plan.call('iam', 'AddUserToGroup', { GroupName: group, UserName: name });
  if (configuration['loginProfile'] !== undefined)
    plan.notRestorable.push(
      'configuration.loginProfile: the console password is never recorded (CreateLoginProfile needs a new one)',
    );
  for (const id of Object.keys(record(configuration['accessKeys'])))
    plan.notRestorable.push(
      `configuration.accessKeys.${id}: an access key cannot be recreated (CreateAccessKey makes a new one)`,
    );
  for (const serial of list(configuration['mfaDevices']))
    plan.notRestorable.push(`configuration.mfaDevices: ${String(serial)} must be enabled again with the device`);
  return plan.done();
}

export function groupCalls(name: string, configuration: Record<string, unknown>): RecreatePlan {
  const plan = new Plan();
  plan.call('iam', 'CreateGroup', { GroupName: name, Path: text(configuration['path']) });
  policies(plan, 'Group', name, configuration);
  for (const user of list(configuration['members']))
    plan.call('iam', 'AddUserToGroup', { GroupName: name, UserName: user });
  return plan.done();
}

/** A managed policy's id is its ARN: `arn:aws:iam::<account>:policy/<path><name>`. */
export function managedPolicyCalls(arn: string, configuration: Record<string, unknown>): RecreatePlan {
  const plan = new Plan();
  const document = configuration['document'];
  if (document === undefined) {
    plan.notRestorable.push('configuration.document: the default version was never recorded (CreatePolicy needs it)');
    return plan.done();
  }
  plan.call('iam', 'CreatePolicy', {
    PolicyName: arn.slice(arn.lastIndexOf('/') + 1),
    PolicyDocument: policyJson(document),
    Path: text(configuration['path']),
    Description: text(configuration['description']),
    Tags: tagList(configuration['tags']),
  });
  const versions = Object.keys(record(configuration['versions']));
  if (versions.length > 1)
    plan.notes.push(`only the default version (${String(configuration['defaultVersionId'])}) is recreated, as v1`);
  return plan.done();
}
