// Configuration of one watched Kubernetes cluster (composed into gitrail.yaml's schema).
import { z } from 'zod';

export const KubernetesWatchConfig = z.object({ name: z.string().min(1).describe('cluster name used in paths') }).strict().describe('a Kubernetes cluster to list and watch');
export type KubernetesWatchConfig = z.infer<typeof KubernetesWatchConfig>;
