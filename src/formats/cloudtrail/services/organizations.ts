// AWS Organizations calls → the member account, organizational unit, policy or handshake
// they change. Account creation and closure finish later, in service events
// (`CreateAccountResult`, `CloseAccountResult`) that name the account in serviceEventDetails.
import { forEach, type EventRule, type ServiceRules } from './rule.ts';

const ACCOUNT: EventRule = { type: 'Account', ids: ['request.accountId'] };
const UNIT: EventRule = { type: 'OrganizationalUnit', ids: ['request.organizationalUnitId'] };
const POLICY: EventRule = { type: 'Policy', ids: ['request.policyId'] };

export const ORGANIZATIONS_RULES: ServiceRules = {
  CreateAccount: { ...ACCOUNT, ids: ['response.createAccountStatus.accountId'] },
  CreateAccountResult: { ...ACCOUNT, ids: ['service.createAccountStatus.accountId'] },
  CloseAccountResult: { ...ACCOUNT, ids: ['service.closeAccountStatus.accountId'] },
  ...forEach(['CloseAccount', 'MoveAccount', 'TagResource', 'UntagResource'], {
    ...ACCOUNT,
    ids: ['request.accountId', 'request.resourceId'],
  }),
  RemoveAccountFromOrganization: { ...ACCOUNT, deletes: true },
  CreateOrganizationalUnit: { ...UNIT, ids: ['response.organizationalUnit.id'] },
  UpdateOrganizationalUnit: UNIT,
  DeleteOrganizationalUnit: { ...UNIT, deletes: true },
  CreatePolicy: { ...POLICY, ids: ['response.policy.policySummary.id'] },
  ...forEach(['UpdatePolicy', 'AttachPolicy', 'DetachPolicy'], POLICY),
  DeletePolicy: { ...POLICY, deletes: true },
  InviteAccountToOrganization: { type: 'Handshake', ids: ['response.handshake.id'] },
  ...forEach(['AcceptHandshake', 'DeclineHandshake', 'CancelHandshake'], {
    type: 'Handshake',
    ids: ['request.handshakeId'],
  }),
};
