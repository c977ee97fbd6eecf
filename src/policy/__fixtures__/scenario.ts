// A security scenario for the default policies: Kubernetes audit events, CloudTrail records and
// GCP Cloud Audit Logs entries, each with a stable id, written as files that `gitrail ingest` reads. Each default
// policy names ids it must match and ids it must not (default-policies.test.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACCOUNT, CLOUDTRAIL_RECORDS } from './scenario-cloudtrail.ts';
import { GCP_ENTRIES } from './scenario-gcp.ts';
import { KUBERNETES_EVENTS } from './scenario-kubernetes.ts';

/** Writes the scenario as an audit log, a CloudTrail delivery file and a Cloud Logging export; returns their paths. */
export function writeScenario(dir: string): string[] {
  const audit = join(dir, 'audit.log');
  const cloudtrail = join(dir, `${ACCOUNT}_CloudTrail_eu-west-1_20260504T0900Z_scenario.json`);
  writeFileSync(audit, KUBERNETES_EVENTS.map((event) => JSON.stringify(event)).join('\n') + '\n');
  writeFileSync(cloudtrail, JSON.stringify({ Records: CLOUDTRAIL_RECORDS }));
  const gcp = join(dir, 'gcp-audit.json');
  writeFileSync(gcp, JSON.stringify(GCP_ENTRIES, null, 2));
  return [audit, cloudtrail, gcp];
}
