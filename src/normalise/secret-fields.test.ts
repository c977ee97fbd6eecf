// Every entry of the AWS secret-field table, proven on a record of its service: a failed call
// is stored whole in `activity`, a successful one in the resource file; neither may hold the value.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NormaliseResult } from '../domain/change.ts';
import { normaliseCloudTrailRecord } from '../formats/cloudtrail/normalise.ts';
import { createRedactor } from './redact.ts';
import { AWS_SECRET_FIELDS } from './secret-fields.ts';

const options = { redact: createRedactor(Buffer.alloc(32, 7)) };

export function cloudTrailRecord(eventSource: string, eventName: string, extra: Record<string, unknown>) {
  return {
    eventVersion: '1.08',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/alice', accountId: '123456789012' },
    eventTime: '2026-01-02T03:04:05Z',
    eventSource,
    eventName,
    awsRegion: 'eu-west-1',
    sourceIPAddress: '192.0.2.1',
    userAgent: 'aws-cli',
    eventID: `00000000-0000-4000-8000-${eventName.length.toString().padStart(12, '0')}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    recipientAccountId: '123456789012',
    ...extra,
  };
}

export function assertStoredWithout(result: NormaliseResult, secret: string): void {
  assert.equal(result.kind, 'changes', JSON.stringify(result).slice(0, 300));
  const text = JSON.stringify(result);
  assert.ok(!text.includes(secret), `secret stored in clear: ${text.slice(0, 400)}`);
  assert.ok(text.includes('hmac-sha256:'), 'the secret leaves a hash, so a change stays visible');
}

for (const entry of AWS_SECRET_FIELDS.filter((each) => each.fields.length > 0)) {
  for (const field of entry.fields) {
    test(`${entry.service} (${entry.eventSource}): ${field} is hashed in a stored record`, () => {
      const secret = `s3cr3t-${entry.eventSource}-${field}`;
      const record = cloudTrailRecord(entry.eventSource, entry.calls[0] ?? 'Create', {
        errorCode: 'ValidationException',
        requestParameters: { outer: { [field]: secret }, [field]: secret },
        responseElements: null,
      });
      assertStoredWithout(normaliseCloudTrailRecord(record, options), secret);
    });
  }
}

test('a configured sensitiveKeys list replaces nothing: the service table still applies', () => {
  const secret = 'ssm-secure-string-value-1';
  const record = cloudTrailRecord('ssm.amazonaws.com', 'PutParameter', {
    requestParameters: { name: '/prod/db/password', type: 'SecureString', value: secret, overwrite: true },
    responseElements: { version: 2, tier: 'Standard' },
  });
  assertStoredWithout(normaliseCloudTrailRecord(record, { ...options, sensitiveKeys: new Set(['custom']) }), secret);
});
