import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMetrics } from './metrics.ts';

test('countRecords counts every record received, and of those the ignored and the rejected, per source', async () => {
  const metrics = createMetrics({ defaultMetrics: false });
  metrics.countRecords('kubernetes-audit/prod', { received: 5, ignored: 1, rejected: 2 });
  metrics.countRecords('kubernetes-audit/prod', { received: 3, ignored: 0, rejected: 0 });
  metrics.countRecords('kubernetes-watch/prod', { received: 4, ignored: 0, rejected: 0 });
  const text = await metrics.registry.metrics();
  assert.match(text, /gitrail_events_received_total\{source="kubernetes-audit\/prod"\} 8/);
  assert.match(text, /gitrail_events_ignored_total\{source="kubernetes-audit\/prod"\} 1/);
  assert.match(text, /gitrail_events_rejected_total\{source="kubernetes-audit\/prod"\} 2/);
  assert.match(text, /gitrail_events_received_total\{source="kubernetes-watch\/prod"\} 4/);
  assert.doesNotMatch(
    text,
    /gitrail_events_(ignored|rejected)_total\{source="kubernetes-watch\/prod"\}/,
    'no series for a count that never happened',
  );
});
