import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arnResourceId, arnResourceType, parseArn } from './arn.ts';

function named(arn: string): [string | undefined, string] {
  const parsed = parseArn(arn);
  assert.ok(parsed, arn);
  return [arnResourceType(parsed), arnResourceId(parsed)];
}

test('ARNs name resources by the id their APIs use', () => {
  assert.deepEqual(named('arn:aws:iam::111122223333:role/service-role/deploy'), ['Role', 'deploy']);
  assert.deepEqual(named('arn:aws:iam::111122223333:policy/boundary'), ['ManagedPolicy', 'boundary']);
  assert.deepEqual(named('arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com'), [
    'OIDCProvider',
    'token.actions.githubusercontent.com',
  ]);
  assert.deepEqual(named('arn:aws:s3:::my-bucket'), ['Bucket', 'my-bucket']);
  assert.deepEqual(named('arn:aws:s3:us-west-2:111122223333:job/d6e58ec4'), [undefined, 'd6e58ec4']);
  assert.deepEqual(named('arn:aws:kms:us-west-2:111122223333:key/1234abcd'), ['Key', '1234abcd']);
  assert.deepEqual(named('arn:aws:kms:us-west-2:111122223333:alias/my_alias'), ['Alias', 'my_alias']);
  assert.deepEqual(named('arn:aws:lambda:us-west-2:111122223333:function:api:3'), ['Function', 'api']);
  assert.deepEqual(named('arn:aws:rds:us-east-1:111122223333:cluster:production-aurora'), [
    'DBCluster',
    'production-aurora',
  ]);
  assert.deepEqual(named('arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbCdEf'), ['Secret', 'prod/db']);
  assert.deepEqual(named('arn:aws:ssm:eu-west-1:111122223333:parameter/app/db/url'), ['Parameter', '/app/db/url']);
  assert.deepEqual(named('arn:aws:cloudtrail:us-west-2:111122223333:trail/main'), ['Trail', 'main']);
  assert.deepEqual(named('arn:aws:elasticloadbalancing:us-west-2:111122223333:loadbalancer/app/web/84dc5457e450dba5'), [
    'LoadBalancer',
    'app/web/84dc5457e450dba5',
  ]);
  assert.deepEqual(
    named('arn:aws:autoscaling:us-west-2:111122223333:autoScalingGroup:0c5b:autoScalingGroupName/web-asg'),
    ['AutoScalingGroup', 'web-asg'],
  );
  assert.deepEqual(named('arn:aws:sns:us-east-1:111122223333:alerts'), ['Topic', 'alerts']);
  assert.equal(parseArn('not-an-arn'), null);
  assert.equal(parseArn('arn:aws:s3'), null);
});
