// RDS calls → the DB instance, cluster, snapshot or security group they change. RDS stores
// identifiers in lower case whatever case the request used, so ids are lower-cased.
import { forEach, type EventRule, type ServiceRules } from './rule.ts';

const lower = (id: string): string => id.toLowerCase();
const INSTANCE: EventRule = { type: 'DBInstance', ids: ['request.dBInstanceIdentifier'], normaliseId: lower };
const CLUSTER: EventRule = { type: 'DBCluster', ids: ['request.dBClusterIdentifier'], normaliseId: lower };
const SNAPSHOT: EventRule = { type: 'DBSnapshot', ids: ['request.dBSnapshotIdentifier'], normaliseId: lower };
const CLUSTER_SNAPSHOT: EventRule = {
  type: 'DBClusterSnapshot',
  ids: ['request.dBClusterSnapshotIdentifier'],
  normaliseId: lower,
};
const SECURITY_GROUP: EventRule = { type: 'DBSecurityGroup', ids: ['request.dBSecurityGroupName'], normaliseId: lower };
const PARAMETER_GROUP: EventRule = {
  type: 'DBParameterGroup',
  ids: ['request.dBParameterGroupName'],
  normaliseId: lower,
};

export const RDS_RULES: ServiceRules = {
  DeleteDBInstance: { ...INSTANCE, deletes: true },
  ...forEach(
    [
      'CreateDBInstance',
      'ModifyDBInstance',
      'RebootDBInstance',
      'StartDBInstance',
      'StopDBInstance',
      'CreateDBInstanceReadReplica',
      'RestoreDBInstanceFromDBSnapshot',
      'RestoreDBInstanceFromS3',
      'PromoteReadReplica',
      'AddRoleToDBInstance',
      'RemoveRoleFromDBInstance',
    ],
    INSTANCE,
  ),
  RestoreDBInstanceToPointInTime: { ...INSTANCE, ids: ['request.targetDBInstanceIdentifier'] },
  DeleteDBCluster: { ...CLUSTER, deletes: true },
  ...forEach(
    [
      'CreateDBCluster',
      'ModifyDBCluster',
      'FailoverDBCluster',
      'RebootDBCluster',
      'StartDBCluster',
      'StopDBCluster',
      'AddRoleToDBCluster',
      'RemoveRoleFromDBCluster',
      'RestoreDBClusterFromSnapshot',
      'RestoreDBClusterToPointInTime',
      'PromoteReadReplicaDBCluster',
    ],
    CLUSTER,
  ),
  CreateDBSnapshot: SNAPSHOT,
  CopyDBSnapshot: { ...SNAPSHOT, ids: ['request.targetDBSnapshotIdentifier'] },
  DeleteDBSnapshot: { ...SNAPSHOT, deletes: true },
  ModifyDBSnapshotAttribute: SNAPSHOT,
  ModifyDBSnapshot: SNAPSHOT,
  CreateDBClusterSnapshot: CLUSTER_SNAPSHOT,
  CopyDBClusterSnapshot: { ...CLUSTER_SNAPSHOT, ids: ['request.targetDBClusterSnapshotIdentifier'] },
  DeleteDBClusterSnapshot: { ...CLUSTER_SNAPSHOT, deletes: true },
  ModifyDBClusterSnapshotAttribute: CLUSTER_SNAPSHOT,
  CreateDBSecurityGroup: SECURITY_GROUP,
  DeleteDBSecurityGroup: { ...SECURITY_GROUP, deletes: true },
  ...forEach(['AuthorizeDBSecurityGroupIngress', 'RevokeDBSecurityGroupIngress'], SECURITY_GROUP),
  CreateDBParameterGroup: PARAMETER_GROUP,
  DeleteDBParameterGroup: { ...PARAMETER_GROUP, deletes: true },
  ...forEach(['ModifyDBParameterGroup', 'ResetDBParameterGroup'], PARAMETER_GROUP),
  ...forEach(['FailoverGlobalCluster', 'ModifyGlobalCluster', 'CreateGlobalCluster'], {
    type: 'GlobalCluster',
    ids: ['request.globalClusterIdentifier'],
    normaliseId: lower,
  }),
  DeleteGlobalCluster: {
    type: 'GlobalCluster',
    ids: ['request.globalClusterIdentifier'],
    normaliseId: lower,
    deletes: true,
  },
};
