// Every intake route, one line each: the app mounts them in this order and labels their
// requests from their patterns (app.ts). A new intake route is its own file plus one line here.
import type { Hono } from 'hono';
import type { AppEnv, IntakeDeps } from '../intake.ts';
import { cloudTrailIntakeRoutes } from './ingest-cloudtrail.ts';
import { eksFirehoseIntakeRoutes } from './ingest-eks-firehose.ts';
import { eventsIntakeRoutes } from './ingest-events.ts';
import { gkePubSubIntakeRoutes } from './ingest-gke-pubsub.ts';
import { kubernetesIntakeRoutes } from './ingest-kubernetes.ts';

export const INTAKE_ROUTE_MODULES: readonly ((deps: IntakeDeps) => Hono<AppEnv>)[] = [
  kubernetesIntakeRoutes,
  cloudTrailIntakeRoutes,
  eventsIntakeRoutes,
  eksFirehoseIntakeRoutes,
  gkePubSubIntakeRoutes,
];
