// What a failed poll says: a missing container is named (against azurite), a configuration error is passed
// as is, and a library's text that quotes a SAS URL loses the signature.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RESOURCE } from '../../../test/helpers/aks-fixtures.ts';
import { KEY, startAzurite } from '../../../test/helpers/azurite.ts';
import { ConfigError } from '../../domain/errors.ts';
import { AksAuditConfig } from './config.ts';
import { connectStorage, explainFailure } from './storage-auth.ts';
import { readNewRecords } from './storage-export.ts';

test('a container the diagnostic setting has not created yet is named in the reason', async (t) => {
  const url = await startAzurite(t);
  const config = AksAuditConfig.parse({
    resourceId: RESOURCE,
    accountUrl: url,
    accountKey: { env: 'KEY' },
    container: 'insights-logs-kube-audit-admin',
  });
  const storage = await connectStorage(config, 'aksAudit prod', { KEY });
  const failure = await readNewRecords(storage.container, { prefix: 'resourceId=/', checkpoint: {} }).then(
    () => assert.fail('read a missing container'),
    (error: unknown) => error,
  );
  assert.equal(
    explainFailure(failure, 'aksAudit prod', storage),
    'aksAudit prod: container insights-logs-kube-audit-admin does not exist (is the diagnostic setting writing here?)' +
      ' (404 ContainerNotFound)',
  );
  assert.equal(await connectStorage(config, 'aksAudit prod', { KEY }, storage), storage, 'same secret, same client');
});

test('configuration errors pass as they are; a quoted SAS signature is cut', () => {
  const config = new ConfigError(['aksAudit prod: sasToken: environment variable SAS is not set']);
  assert.equal(
    explainFailure(config, 'aksAudit prod'),
    'INVALID_CONFIG: aksAudit prod: sasToken: environment variable SAS is not set',
  );
  const quoted = new Error('GET https://logs.blob.core.windows.net/c?sv=2025-01-05&sp=rl&sig=c2VjcmV0%3D failed');
  assert.equal(
    explainFailure(quoted, 'aksAudit prod'),
    'aksAudit prod: GET https://logs.blob.core.windows.net/c?sv=2025-01-05&sp=rl&sig=… failed',
  );
});
