import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gcpPath, locationInName, parseGcpPath, relativeResource, resourceSegments, shortServiceName } from './path.ts';

test('resource names become <type>/<name> under project, location and service', () => {
  const segments = resourceSegments('projects/p/zones/us-central1-a/instances/vm-1') ?? [];
  assert.equal(locationInName(segments), 'us-central1-a');
  assert.deepEqual(relativeResource(segments, 'us-central1-a'), ['instances', 'vm-1']);
  assert.deepEqual(relativeResource(resourceSegments('projects/p') ?? [], 'global'), ['projects', 'p']);
  assert.deepEqual(relativeResource(resourceSegments('projects/_/buckets/b') ?? [], 'us'), ['buckets', 'b']);
  assert.deepEqual(relativeResource(resourceSegments('projects/p/global/firewalls/fw') ?? [], 'global'), [
    'firewalls',
    'fw',
  ]);
  // Nested resources keep their parents; a location other than the path's stays in the name.
  assert.deepEqual(relativeResource(resourceSegments('projects/p/secrets/s/versions/3') ?? [], 'global'), [
    'secrets',
    's',
    'versions',
    '3',
  ]);
  assert.deepEqual(relativeResource(resourceSegments('projects/p/regions/r1/subnetworks/a') ?? [], 'r1-a'), [
    'regions',
    'r1',
    'subnetworks',
    'a',
  ]);
  assert.deepEqual(resourceSegments('//iam.googleapis.com/projects/p/serviceAccounts/x'), [
    'projects',
    'p',
    'serviceAccounts',
    'x',
  ]);
  assert.equal(resourceSegments('projects//x'), undefined);
  assert.equal(shortServiceName('compute.googleapis.com'), 'compute');
});

test('paths round-trip through parseGcpPath, escaped names included', () => {
  const refs = [
    { project: 'my-project', location: 'us-central1-a', service: 'compute', resource: ['instances', 'vm-1'] },
    { project: 'p', location: 'global', service: 'iam', resource: ['serviceAccounts', 'ci@p.iam.gserviceaccount.com'] },
    { project: 'p', location: 'global', service: 'secretmanager', resource: ['secrets', '.s/x', 'versions', '3'] },
  ];
  assert.equal(gcpPath(refs[0] as never), 'gcp/my-project/us-central1-a/compute/instances/vm-1.yaml');
  assert.equal(gcpPath(refs[2] as never), 'gcp/p/global/secretmanager/secrets/%2Es%2Fx/versions/3.yaml');
  for (const ref of refs) assert.deepEqual(parseGcpPath(gcpPath(ref)), ref);
  assert.equal(parseGcpPath('aws/1/global/iam/Role/x.yaml'), undefined);
});
