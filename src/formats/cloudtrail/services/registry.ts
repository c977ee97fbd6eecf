// The per-service event knowledge, by service (the part of `eventSource` before
// `.amazonaws.com`). Adding a service is one module and one line here.
import { AUTOSCALING_RULES, ELB_RULES, LAMBDA_RULES } from './compute.ts';
import { RDS_RULES } from './database.ts';
import { EC2_RULES } from './ec2.ts';
import { IAM_RULES } from './iam.ts';
import { CLOUDTRAIL_RULES, SECRETS_MANAGER_RULES, SSM_RULES } from './management.ts';
import { SNS_RULES, SQS_RULES } from './messaging.ts';
import { ORGANIZATIONS_RULES } from './organizations.ts';
import type { ServiceRules } from './rule.ts';
import { KMS_RULES, S3_RULES } from './storage.ts';

export const SERVICE_RULES: Readonly<Record<string, ServiceRules>> = {
  iam: IAM_RULES,
  ec2: EC2_RULES,
  s3: S3_RULES,
  kms: KMS_RULES,
  lambda: LAMBDA_RULES,
  rds: RDS_RULES,
  cloudtrail: CLOUDTRAIL_RULES,
  ssm: SSM_RULES,
  secretsmanager: SECRETS_MANAGER_RULES,
  autoscaling: AUTOSCALING_RULES,
  elasticloadbalancing: ELB_RULES,
  organizations: ORGANIZATIONS_RULES,
  sqs: SQS_RULES,
  sns: SNS_RULES,
};

/** The rules of a service, or undefined for a service without per-event knowledge. */
export function serviceRules(service: string): ServiceRules | undefined {
  return Object.hasOwn(SERVICE_RULES, service) ? SERVICE_RULES[service] : undefined;
}
