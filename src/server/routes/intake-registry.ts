// Every intake route module, one line each: the app mounts them in this order and labels their
// requests from their patterns (app.ts); each declares what its routes accept (intake-accepts.ts),
// which the intake contract test checks. A new intake route is its own file plus one line here.
import type { IntakeRouteModule } from './intake-accepts.ts';
import { cloudTrailIntake } from './ingest-cloudtrail.ts';
import { eksFirehoseIntake } from './ingest-eks-firehose.ts';
import { eventsIntake } from './ingest-events.ts';
import { gkePubSubIntake } from './ingest-gke-pubsub.ts';
import { kubernetesIntake } from './ingest-kubernetes.ts';

export const INTAKE_ROUTE_MODULES: readonly IntakeRouteModule[] = [
  kubernetesIntake,
  cloudTrailIntake,
  eventsIntake,
  eksFirehoseIntake,
  gkePubSubIntake,
];
