// SQS and SNS calls → the queue or topic they change. SQS names queues by URL
// (`https://sqs.<region>.amazonaws.com/<account>/<name>`), whose last part is the name.
import { forEach, type EventRule, type ServiceRules } from './rule.ts';

const queueName = (id: string): string | undefined =>
  /^https?:\/\//.test(id) ? id.split('/').filter(Boolean).at(-1) : id;
const QUEUE: EventRule = { type: 'Queue', ids: ['request.queueUrl'], normaliseId: queueName };
const TOPIC: EventRule = { type: 'Topic', ids: ['request.topicArn'] };

export const SQS_RULES: ServiceRules = {
  CreateQueue: { ...QUEUE, ids: ['request.queueName'] },
  DeleteQueue: { ...QUEUE, deletes: true },
  ...forEach(['SetQueueAttributes', 'TagQueue', 'UntagQueue', 'AddPermission', 'RemovePermission'], QUEUE),
};

export const SNS_RULES: ServiceRules = {
  CreateTopic: { ...TOPIC, ids: ['response.topicArn', 'request.name'] },
  DeleteTopic: { ...TOPIC, deletes: true },
  ...forEach(
    ['SetTopicAttributes', 'AddPermission', 'RemovePermission', 'Subscribe', 'PutDataProtectionPolicy'],
    TOPIC,
  ),
  ...forEach(['TagResource', 'UntagResource'], { ...TOPIC, ids: ['request.resourceArn'] }),
};
