// IAM roles, users and groups: trust policy, inline and attached policies, permissions
// boundary, tags, group membership, login profile (its existence, never the password),
// access keys (id and status) and MFA devices.
import {
  record,
  sortedSet,
  stringList,
  tagMap,
  text,
  updateTags,
  withEntry,
  withKey,
  withKeys,
  type Configuration,
  type ConfigurationReducer,
  type DecodedCall,
} from './reducer.ts';

type Kind = 'Role' | 'User' | 'Group';

const number = (value: unknown): number | undefined =>
  typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;

function addTo(list: unknown, values: readonly string[]): string[] {
  return sortedSet([...stringList(list), ...values]);
}

function removeFrom(list: unknown, values: readonly string[]): string[] {
  const drop = new Set(values);
  return stringList(list).filter((item) => !drop.has(item));
}

const maybe = (value: string | undefined): string[] => (value === undefined ? [] : [value]);

/** Calls every principal kind has: `Put<Kind>Policy`, `Attach<Kind>Policy`, `Tag<Kind>`, … */
function reduceCommon(kind: Kind, configuration: Configuration, { api, request }: DecodedCall): Configuration {
  const policyName = text(request['policyName']);
  const policyArn = maybe(text(request['policyArn']));
  switch (api) {
    case `Create${kind}`:
      return withKeys(configuration, {
        path: text(request['path']),
        permissionsBoundary: text(request['permissionsBoundary']),
        tags: Array.isArray(request['tags']) ? tagMap(request['tags']) : undefined,
      });
    case `Put${kind}Policy`:
      if (policyName === undefined) return configuration;
      return withKey(
        configuration,
        'inlinePolicies',
        withEntry(configuration['inlinePolicies'], policyName, request['policyDocument'] ?? null),
      );
    case `Delete${kind}Policy`:
      if (policyName === undefined) return configuration;
      return withKey(
        configuration,
        'inlinePolicies',
        withEntry(configuration['inlinePolicies'], policyName, undefined),
      );
    case `Attach${kind}Policy`:
      return withKey(configuration, 'attachedPolicies', addTo(configuration['attachedPolicies'], policyArn));
    case `Detach${kind}Policy`:
      return withKey(configuration, 'attachedPolicies', removeFrom(configuration['attachedPolicies'], policyArn));
    case `Put${kind}PermissionsBoundary`:
      return withKey(configuration, 'permissionsBoundary', text(request['permissionsBoundary']));
    case `Delete${kind}PermissionsBoundary`:
      return withKey(configuration, 'permissionsBoundary', undefined);
    case `Tag${kind}`:
      return withKey(configuration, 'tags', updateTags(configuration['tags'], tagMap(request['tags'])));
    case `Untag${kind}`:
      return withKey(configuration, 'tags', updateTags(configuration['tags'], {}, stringList(request['tagKeys'])));
    default:
      return configuration;
  }
}

export const reduceRole: ConfigurationReducer = (previous, call) => {
  const configuration = reduceCommon('Role', previous, call);
  const { api, request, response } = call;
  const role = record(response['role']);
  switch (api) {
    case 'CreateRole':
    case 'CreateServiceLinkedRole':
      return withKeys(configuration, {
        path: text(request['path']) ?? text(role['path']),
        description: text(request['description']) ?? text(role['description']),
        maxSessionDuration: number(request['maxSessionDuration']) ?? number(role['maxSessionDuration']),
        assumeRolePolicy: request['assumeRolePolicyDocument'] ?? role['assumeRolePolicyDocument'],
        roleId: text(role['roleId']),
        serviceName: text(request['aWSServiceName']),
      });
    case 'UpdateRole':
    case 'UpdateRoleDescription': {
      const updated =
        'description' in request ? withKey(configuration, 'description', text(request['description'])) : configuration;
      return withKeys(updated, { maxSessionDuration: number(request['maxSessionDuration']) });
    }
    case 'UpdateAssumeRolePolicy':
      return withKeys(configuration, { assumeRolePolicy: request['policyDocument'] });
    default:
      return configuration;
  }
};

function reduceLoginProfile(
  configuration: Configuration,
  api: string,
  request: Readonly<Record<string, unknown>>,
): Configuration {
  const reset = request['passwordResetRequired'];
  switch (api) {
    case 'CreateLoginProfile':
      return withKey(configuration, 'loginProfile', { enabled: true, passwordResetRequired: reset === true });
    case 'UpdateLoginProfile': {
      const previous = record(configuration['loginProfile']);
      return withKey(configuration, 'loginProfile', {
        ...previous,
        enabled: true,
        ...(typeof reset === 'boolean' ? { passwordResetRequired: reset } : {}),
      });
    }
    case 'DeleteLoginProfile':
      return withKey(configuration, 'loginProfile', undefined);
    default:
      return configuration;
  }
}

export const reduceUser: ConfigurationReducer = (previous, call) => {
  const { api, request, response } = call;
  const configuration = reduceLoginProfile(reduceCommon('User', previous, call), api, request);
  const groupName = maybe(text(request['groupName']));
  const serial = maybe(text(request['serialNumber']));
  switch (api) {
    case 'CreateUser':
      return withKeys(configuration, { userId: text(record(response['user'])['userId']) });
    case 'AddUserToGroup':
      return withKey(configuration, 'groups', addTo(configuration['groups'], groupName));
    case 'RemoveUserFromGroup':
      return withKey(configuration, 'groups', removeFrom(configuration['groups'], groupName));
    case 'CreateAccessKey': {
      const key = record(response['accessKey']);
      const id = text(key['accessKeyId']);
      return id
        ? withKey(
            configuration,
            'accessKeys',
            withEntry(configuration['accessKeys'], id, { status: text(key['status']) ?? 'Active' }),
          )
        : configuration;
    }
    case 'UpdateAccessKey':
    case 'DeleteAccessKey': {
      const id = text(request['accessKeyId']);
      if (!id) return configuration;
      const status = api === 'DeleteAccessKey' ? undefined : { status: text(request['status']) ?? 'Active' };
      return withKey(configuration, 'accessKeys', withEntry(configuration['accessKeys'], id, status));
    }
    case 'EnableMFADevice':
      return withKey(configuration, 'mfaDevices', addTo(configuration['mfaDevices'], serial));
    case 'DeactivateMFADevice':
      return withKey(configuration, 'mfaDevices', removeFrom(configuration['mfaDevices'], serial));
    default:
      return configuration;
  }
};

export const reduceGroup: ConfigurationReducer = (previous, call) => {
  const configuration = reduceCommon('Group', previous, call);
  const userName = maybe(text(call.request['userName']));
  switch (call.api) {
    case 'AddUserToGroup':
      return withKey(configuration, 'members', addTo(configuration['members'], userName));
    case 'RemoveUserFromGroup':
      return withKey(configuration, 'members', removeFrom(configuration['members'], userName));
    default:
      return configuration;
  }
};
