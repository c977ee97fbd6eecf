// Configuration of notification channels and policies (composed into gitrail.yaml's schema).
import { z } from 'zod';

export const NotifyConfig = z.object({}).strict().describe('chat channels and the policies that post to them');
export type NotifyConfig = z.infer<typeof NotifyConfig>;
