// Lambda, Auto Scaling and Elastic Load Balancing calls → the function, group or load
// balancer they change. Lambda event names carry an API version suffix
// (`UpdateFunctionCode20150331v2`), which the resolver strips before looking rules up.
import { forEach, type EventRule, type ServiceRules } from './rule.ts';

const FUNCTION: EventRule = { type: 'Function', ids: ['request.functionName', 'response.functionName'] };
const MAPPING: EventRule = { type: 'EventSourceMapping', ids: ['request.uUID', 'request.uuid', 'response.uUID'] };

export const LAMBDA_RULES: ServiceRules = {
  DeleteFunction: { ...FUNCTION, deletes: true },
  ...forEach(
    [
      'CreateFunction',
      'UpdateFunctionCode',
      'UpdateFunctionConfiguration',
      'AddPermission',
      'RemovePermission',
      'PublishVersion',
      'CreateAlias',
      'UpdateAlias',
      'DeleteAlias',
      'PutFunctionConcurrency',
      'DeleteFunctionConcurrency',
      'CreateFunctionUrlConfig',
      'UpdateFunctionUrlConfig',
      'DeleteFunctionUrlConfig',
      'PutFunctionEventInvokeConfig',
      'UpdateFunctionEventInvokeConfig',
      'DeleteFunctionEventInvokeConfig',
      'PutProvisionedConcurrencyConfig',
      'DeleteProvisionedConcurrencyConfig',
      'PutFunctionCodeSigningConfig',
    ],
    FUNCTION,
  ),
  ...forEach(['TagResource', 'UntagResource'], { type: 'Function', ids: ['request.resource'] }),
  CreateEventSourceMapping: { ...MAPPING, ids: ['response.uUID', 'response.uuid'] },
  UpdateEventSourceMapping: MAPPING,
  DeleteEventSourceMapping: { ...MAPPING, deletes: true },
  PublishLayerVersion: { type: 'LayerVersion', ids: ['request.layerName'] },
  AddLayerVersionPermission: { type: 'LayerVersion', ids: ['request.layerName'] },
};

const GROUP: EventRule = { type: 'AutoScalingGroup', ids: ['request.autoScalingGroupName'] };
const LAUNCH_CONFIGURATION: EventRule = { type: 'LaunchConfiguration', ids: ['request.launchConfigurationName'] };

export const AUTOSCALING_RULES: ServiceRules = {
  DeleteAutoScalingGroup: { ...GROUP, deletes: true },
  ...forEach(
    [
      'CreateAutoScalingGroup',
      'UpdateAutoScalingGroup',
      'SetDesiredCapacity',
      'SuspendProcesses',
      'ResumeProcesses',
      'AttachInstances',
      'DetachInstances',
      'PutScalingPolicy',
      'DeletePolicy',
      'PutLifecycleHook',
      'DeleteLifecycleHook',
      'PutScheduledUpdateGroupAction',
      'DeleteScheduledAction',
      'AttachLoadBalancers',
      'DetachLoadBalancers',
      'AttachLoadBalancerTargetGroups',
      'DetachLoadBalancerTargetGroups',
      'AttachTrafficSources',
      'DetachTrafficSources',
      'StartInstanceRefresh',
      'CancelInstanceRefresh',
      'SetInstanceProtection',
      'EnableMetricsCollection',
      'DisableMetricsCollection',
      'PutWarmPool',
      'DeleteWarmPool',
    ],
    GROUP,
  ),
  ...forEach(['CreateOrUpdateTags', 'DeleteTags'], { type: 'AutoScalingGroup', ids: ['request.tags.resourceId'] }),
  CreateLaunchConfiguration: LAUNCH_CONFIGURATION,
  DeleteLaunchConfiguration: { ...LAUNCH_CONFIGURATION, deletes: true },
};

// Application/Network load balancers are named by ARN (id `app/<name>/<hash>`); classic ones
// by name. Create calls return the new ARN, which names the file from then on.
const LOAD_BALANCER: EventRule = { type: 'LoadBalancer', ids: ['request.loadBalancerArn', 'request.loadBalancerName'] };
const TARGET_GROUP: EventRule = { type: 'TargetGroup', ids: ['request.targetGroupArn'] };
const LISTENER: EventRule = { type: 'Listener', ids: ['request.listenerArn'] };

export const ELB_RULES: ServiceRules = {
  CreateLoadBalancer: { ...LOAD_BALANCER, ids: ['response.loadBalancers.loadBalancerArn', 'request.loadBalancerName'] },
  DeleteLoadBalancer: { ...LOAD_BALANCER, deletes: true },
  ...forEach(
    [
      'ModifyLoadBalancerAttributes',
      'SetSecurityGroups',
      'SetSubnets',
      'SetIpAddressType',
      'ConfigureHealthCheck',
      'RegisterInstancesWithLoadBalancer',
      'DeregisterInstancesFromLoadBalancer',
      'CreateLoadBalancerListeners',
      'DeleteLoadBalancerListeners',
      'ApplySecurityGroupsToLoadBalancer',
      'SetLoadBalancerPoliciesOfListener',
    ],
    LOAD_BALANCER,
  ),
  CreateTargetGroup: { ...TARGET_GROUP, ids: ['response.targetGroups.targetGroupArn'] },
  DeleteTargetGroup: { ...TARGET_GROUP, deletes: true },
  ...forEach(
    ['ModifyTargetGroup', 'ModifyTargetGroupAttributes', 'RegisterTargets', 'DeregisterTargets'],
    TARGET_GROUP,
  ),
  CreateListener: { ...LISTENER, ids: ['response.listeners.listenerArn'] },
  DeleteListener: { ...LISTENER, deletes: true },
  ModifyListener: LISTENER,
  // A tagged ARN says its own type (load balancer or target group); a classic one is named.
  ...forEach(['AddTags', 'RemoveTags'], {
    type: () => 'LoadBalancer',
    ids: ['request.resourceArns', 'request.loadBalancerNames'],
  }),
};
