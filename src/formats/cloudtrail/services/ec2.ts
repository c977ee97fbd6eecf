// EC2 calls → the security group, instance, volume, image, network object they change.
// EC2 ids carry their type in a prefix (`sg-`, `i-`, `vol-`), which tagging calls rely on.
import { ownEntry } from '../../../domain/json.ts';
import { forEach, type EventRule, type ServiceRules } from './rule.ts';

const TYPES_BY_ID_PREFIX: Readonly<Record<string, string>> = {
  sg: 'SecurityGroup',
  i: 'Instance',
  vol: 'Volume',
  snap: 'Snapshot',
  ami: 'Image',
  vpc: 'VPC',
  subnet: 'Subnet',
  igw: 'InternetGateway',
  rtb: 'RouteTable',
  acl: 'NetworkAcl',
  eni: 'NetworkInterface',
  lt: 'LaunchTemplate',
  nat: 'NatGateway',
  eipalloc: 'EIP',
  fl: 'FlowLog',
  key: 'KeyPair',
  pcx: 'VPCPeeringConnection',
  vpce: 'VPCEndpoint',
  tgw: 'TransitGateway',
};

/** The ResourceType of an EC2 id by its prefix (`sg-0abc` → SecurityGroup). */
export function ec2TypeOfId(id: string): string | undefined {
  const prefix = /^([a-z]+)-/.exec(id)?.[1];
  return prefix === undefined ? undefined : ownEntry(TYPES_BY_ID_PREFIX, prefix);
}

const GROUP: EventRule = { type: 'SecurityGroup', ids: ['request.groupId', 'request.groupName'] };
const INSTANCES: EventRule = {
  type: 'Instance',
  ids: ['request.instancesSet.items.instanceId', 'request.instanceId', 'request.instanceIds'],
};
const INSTANCE: EventRule = { type: 'Instance', ids: ['request.instanceId'] };
const VOLUME: EventRule = { type: 'Volume', ids: ['request.volumeId'] };
const SNAPSHOT: EventRule = { type: 'Snapshot', ids: ['request.snapshotId'] };
const IMAGE: EventRule = { type: 'Image', ids: ['request.imageId'] };
const VPC: EventRule = { type: 'VPC', ids: ['request.vpcId'] };
const SUBNET: EventRule = { type: 'Subnet', ids: ['request.subnetId'] };
const GATEWAY: EventRule = { type: 'InternetGateway', ids: ['request.internetGatewayId'] };
const ROUTES: EventRule = { type: 'RouteTable', ids: ['request.routeTableId'] };
const ACL: EventRule = { type: 'NetworkAcl', ids: ['request.networkAclId'] };
const KEY_PAIR: EventRule = { type: 'KeyPair', ids: ['request.keyName', 'response.keyName'] };
const TAGGED: EventRule = { type: ec2TypeOfId, ids: ['request.resourcesSet.items.resourceId', 'request.resourceIds'] };

export const EC2_RULES: ServiceRules = {
  CreateSecurityGroup: { ...GROUP, ids: ['response.groupId', 'request.groupName'] },
  DeleteSecurityGroup: { ...GROUP, deletes: true },
  ...forEach(
    [
      'AuthorizeSecurityGroupIngress',
      'AuthorizeSecurityGroupEgress',
      'RevokeSecurityGroupIngress',
      'RevokeSecurityGroupEgress',
      'ModifySecurityGroupRules',
      'UpdateSecurityGroupRuleDescriptionsIngress',
      'UpdateSecurityGroupRuleDescriptionsEgress',
    ],
    GROUP,
  ),
  RunInstances: { type: 'Instance', ids: ['response.instancesSet.items.instanceId'] },
  TerminateInstances: { ...INSTANCES, deletes: true },
  ...forEach(
    ['StartInstances', 'StopInstances', 'RebootInstances', 'MonitorInstances', 'UnmonitorInstances'],
    INSTANCES,
  ),
  ...forEach(
    [
      'ModifyInstanceAttribute',
      'ModifyInstanceMetadataOptions',
      'AssociateIamInstanceProfile',
      'ResetInstanceAttribute',
    ],
    INSTANCE,
  ),
  CreateVolume: { ...VOLUME, ids: ['response.volumeId'] },
  DeleteVolume: { ...VOLUME, deletes: true },
  ...forEach(['AttachVolume', 'DetachVolume', 'ModifyVolume', 'ModifyVolumeAttribute'], VOLUME),
  CreateSnapshot: { ...SNAPSHOT, ids: ['response.snapshotId'] },
  CopySnapshot: { ...SNAPSHOT, ids: ['response.snapshotId'] },
  DeleteSnapshot: { ...SNAPSHOT, deletes: true },
  ...forEach(['ModifySnapshotAttribute', 'ResetSnapshotAttribute'], SNAPSHOT),
  CreateImage: { ...IMAGE, ids: ['response.imageId'] },
  CopyImage: { ...IMAGE, ids: ['response.imageId'] },
  RegisterImage: { ...IMAGE, ids: ['response.imageId'] },
  DeregisterImage: { ...IMAGE, deletes: true },
  ...forEach(['ModifyImageAttribute', 'ResetImageAttribute'], IMAGE),
  CreateKeyPair: KEY_PAIR,
  ImportKeyPair: KEY_PAIR,
  DeleteKeyPair: { ...KEY_PAIR, ids: ['request.keyName', 'request.keyPairId'], deletes: true },
  CreateVpc: { ...VPC, ids: ['response.vpc.vpcId'] },
  DeleteVpc: { ...VPC, deletes: true },
  ModifyVpcAttribute: VPC,
  CreateSubnet: { ...SUBNET, ids: ['response.subnet.subnetId'] },
  DeleteSubnet: { ...SUBNET, deletes: true },
  ModifySubnetAttribute: SUBNET,
  CreateInternetGateway: { ...GATEWAY, ids: ['response.internetGateway.internetGatewayId'] },
  DeleteInternetGateway: { ...GATEWAY, deletes: true },
  ...forEach(['AttachInternetGateway', 'DetachInternetGateway'], GATEWAY),
  CreateRouteTable: { ...ROUTES, ids: ['response.routeTable.routeTableId'] },
  DeleteRouteTable: { ...ROUTES, deletes: true },
  ...forEach(['CreateRoute', 'DeleteRoute', 'ReplaceRoute', 'AssociateRouteTable'], ROUTES),
  CreateNetworkAcl: { ...ACL, ids: ['response.networkAcl.networkAclId'] },
  DeleteNetworkAcl: { ...ACL, deletes: true },
  ...forEach(['CreateNetworkAclEntry', 'DeleteNetworkAclEntry', 'ReplaceNetworkAclEntry'], ACL),
  CreateFlowLogs: { type: 'FlowLog', ids: ['response.flowLogIdSet.items', 'response.flowLogIds'] },
  DeleteFlowLogs: {
    type: 'FlowLog',
    ids: [
      'request.flowLogIds.items.flowLogId',
      'request.flowLogIds',
      'request.DeleteFlowLogsRequest.FlowLogId.content',
    ],
    deletes: true,
  },
  CreateTags: TAGGED,
  DeleteTags: TAGGED,
  // Account-and-region settings: one file per account and region.
  ...forEach(['EnableEbsEncryptionByDefault', 'DisableEbsEncryptionByDefault'], {
    type: 'EbsEncryptionByDefault',
    ids: ['account'],
  }),
  ...forEach(['EnableSerialConsoleAccess', 'DisableSerialConsoleAccess'], {
    type: 'SerialConsoleAccess',
    ids: ['account'],
  }),
  ...forEach(['EnableImageBlockPublicAccess', 'DisableImageBlockPublicAccess'], {
    type: 'ImageBlockPublicAccess',
    ids: ['account'],
  }),
  ...forEach(['EnableSnapshotBlockPublicAccess', 'DisableSnapshotBlockPublicAccess'], {
    type: 'SnapshotBlockPublicAccess',
    ids: ['account'],
  }),
};
