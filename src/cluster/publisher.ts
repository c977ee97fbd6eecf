// Replicated intake (issue 14 item 1): a normalised, redacted batch is cut into one part per
// shard and each part published to its shard subject with a content-derived message id; the
// promise resolves once JetStream has stored every part on a quorum of its replicas. A shard
// seen for the first time is registered first, so the writers learn of it.
import type { Logger } from 'pino';
import type { ChangeBatch } from '../domain/batch.ts';
import { InvalidInputError } from '../domain/errors.ts';
import type { ClusterMetrics } from './metrics.ts';
import { encodeShardBatch } from './message.ts';
import type { ClusterResources, NatsLink } from './nats.ts';
import { ClusterUnavailableError } from './errors.ts';
import type { ShardMap } from './shard-map.ts';
import type { ShardRegistry } from './shard-registry.ts';

export interface PublisherOptions {
  readonly link: NatsLink;
  readonly shardMap: ShardMap;
  readonly registry: ShardRegistry;
  readonly subjectPrefix: string;
  readonly metrics: ClusterMetrics;
  readonly log: Logger;
}

export class StreamPublisher {
  readonly #options: PublisherOptions;
  #resources: ClusterResources | null = null;

  constructor(options: PublisherOptions) {
    this.#options = options;
    void options.link.ready().then(
      (resources) => {
        this.#resources = resources;
      },
      () => undefined,
    );
  }

  /** True when a publish can be tried now: connected, stream and buckets in place. */
  get isAvailable(): boolean {
    return this.#resources !== null && this.#options.link.connected;
  }

  /** Publishes every shard part of a batch; resolves with the last stream sequence once all are stored. */
  async publish(batch: ChangeBatch): Promise<number> {
    const { shardMap, registry, subjectPrefix, metrics } = this.#options;
    const resources = this.#resources;
    if (!resources || !this.#options.link.connected)
      throw new ClusterUnavailableError('not connected to NATS: the batch cannot be stored in the stream');
    const parts = shardMap.split(batch);
    const started = performance.now();
    try {
      await Promise.all(parts.map((part) => registry.register(part.shard)));
      const messages = parts.flatMap((part) =>
        encodeShardBatch(subjectPrefix, part.shard, part.batch, resources.maxPayload),
      );
      const acks = await Promise.all(
        messages.map((message) => resources.js.publish(message.subject, message.payload, { msgID: message.msgId })),
      );
      metrics.published.inc({ outcome: 'stored' }, acks.filter((ack) => !ack.duplicate).length);
      metrics.published.inc({ outcome: 'duplicate' }, acks.filter((ack) => ack.duplicate).length);
      metrics.publishSeconds.observe((performance.now() - started) / 1000);
      return Math.max(0, ...acks.map((ack) => ack.seq));
    } catch (error) {
      metrics.published.inc({ outcome: 'failed' });
      if (error instanceof ClusterUnavailableError) throw error;
      if (error instanceof InvalidInputError) throw error;
      throw new ClusterUnavailableError(
        `the stream did not store the batch: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }
}
