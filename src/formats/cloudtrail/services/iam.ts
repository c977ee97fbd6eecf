// IAM calls → the role, user, group, managed policy or provider they change. IAM names
// resources by name; managed policies and providers by ARN, whose last part is the name.
import { forEach, type EventRule, type ServiceRules } from './rule.ts';

const ROLE: EventRule = { type: 'Role', ids: ['request.roleName'] };
// Self-service calls without `userName` act on the calling user.
const USER: EventRule = { type: 'User', ids: ['request.userName', 'caller.userName'] };
const GROUP: EventRule = { type: 'Group', ids: ['request.groupName'] };
const POLICY: EventRule = { type: 'ManagedPolicy', ids: ['request.policyArn'] };
const INSTANCE_PROFILE: EventRule = { type: 'InstanceProfile', ids: ['request.instanceProfileName'] };
const SAML: EventRule = {
  type: 'SAMLProvider',
  ids: ['request.sAMLProviderArn', 'request.name', 'response.sAMLProviderArn'],
};
const OIDC: EventRule = {
  type: 'OIDCProvider',
  ids: ['request.openIDConnectProviderArn', 'response.openIDConnectProviderArn'],
};

export const IAM_RULES: ServiceRules = {
  CreateRole: { ...ROLE, ids: ['request.roleName', 'response.role.roleName'] },
  CreateServiceLinkedRole: { ...ROLE, ids: ['response.role.roleName'] },
  DeleteRole: { ...ROLE, deletes: true },
  DeleteServiceLinkedRole: { ...ROLE, deletes: true },
  ...forEach(
    [
      'UpdateRole',
      'UpdateRoleDescription',
      'UpdateAssumeRolePolicy',
      'PutRolePolicy',
      'DeleteRolePolicy',
      'AttachRolePolicy',
      'DetachRolePolicy',
      'TagRole',
      'UntagRole',
      'PutRolePermissionsBoundary',
      'DeleteRolePermissionsBoundary',
    ],
    ROLE,
  ),
  CreateUser: { ...USER, ids: ['request.userName', 'response.user.userName'] },
  DeleteUser: { ...USER, deletes: true },
  ...forEach(
    [
      'UpdateUser',
      'PutUserPolicy',
      'DeleteUserPolicy',
      'AttachUserPolicy',
      'DetachUserPolicy',
      'TagUser',
      'UntagUser',
      'CreateLoginProfile',
      'UpdateLoginProfile',
      'DeleteLoginProfile',
      'UpdateAccessKey',
      'DeleteAccessKey',
      'ChangePassword',
      'EnableMFADevice',
      'DeactivateMFADevice',
      'ResyncMFADevice',
      'PutUserPermissionsBoundary',
      'DeleteUserPermissionsBoundary',
      'UploadSSHPublicKey',
      'UpdateSSHPublicKey',
      'DeleteSSHPublicKey',
      'UploadSigningCertificate',
      'UpdateSigningCertificate',
      'DeleteSigningCertificate',
      'CreateServiceSpecificCredential',
      'UpdateServiceSpecificCredential',
      'DeleteServiceSpecificCredential',
    ],
    USER,
  ),
  CreateAccessKey: { ...USER, ids: ['request.userName', 'response.accessKey.userName', 'caller.userName'] },
  AddUserToGroup: [USER, GROUP],
  RemoveUserFromGroup: [USER, GROUP],
  CreateGroup: GROUP,
  DeleteGroup: { ...GROUP, deletes: true },
  ...forEach(['UpdateGroup', 'PutGroupPolicy', 'DeleteGroupPolicy', 'AttachGroupPolicy', 'DetachGroupPolicy'], GROUP),
  CreatePolicy: { ...POLICY, ids: ['request.policyName', 'response.policy.policyName'] },
  DeletePolicy: { ...POLICY, deletes: true },
  ...forEach(
    ['CreatePolicyVersion', 'DeletePolicyVersion', 'SetDefaultPolicyVersion', 'TagPolicy', 'UntagPolicy'],
    POLICY,
  ),
  CreateInstanceProfile: INSTANCE_PROFILE,
  DeleteInstanceProfile: { ...INSTANCE_PROFILE, deletes: true },
  AddRoleToInstanceProfile: [INSTANCE_PROFILE, ROLE],
  RemoveRoleFromInstanceProfile: [INSTANCE_PROFILE, ROLE],
  CreateSAMLProvider: { ...SAML, ids: ['response.sAMLProviderArn', 'request.name'] },
  UpdateSAMLProvider: SAML,
  DeleteSAMLProvider: { ...SAML, deletes: true },
  CreateOpenIDConnectProvider: { ...OIDC, ids: ['response.openIDConnectProviderArn'] },
  ...forEach(
    [
      'UpdateOpenIDConnectProviderThumbprint',
      'AddClientIDToOpenIDConnectProvider',
      'RemoveClientIDFromOpenIDConnectProvider',
    ],
    OIDC,
  ),
  DeleteOpenIDConnectProvider: { ...OIDC, deletes: true },
  CreateVirtualMFADevice: {
    type: 'VirtualMFADevice',
    ids: ['response.virtualMFADevice.serialNumber', 'request.virtualMFADeviceName'],
  },
  DeleteVirtualMFADevice: { type: 'VirtualMFADevice', ids: ['request.serialNumber'], deletes: true },
  // Account-wide singletons: one file per account.
  UpdateAccountPasswordPolicy: { type: 'AccountPasswordPolicy', ids: ['account'] },
  DeleteAccountPasswordPolicy: { type: 'AccountPasswordPolicy', ids: ['account'], deletes: true },
  CreateAccountAlias: { type: 'AccountAlias', ids: ['account'] },
  DeleteAccountAlias: { type: 'AccountAlias', ids: ['account'], deletes: true },
};
