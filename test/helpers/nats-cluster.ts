// Real `nats-server` processes for tests: one node or a JetStream cluster on 127.0.0.1, each
// with free ports, its own store folder and log file. Nodes can be SIGKILLed and restarted
// with the same store; readiness is the server's own /healthz (JetStream current).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function logTail(path: string, lines = 25): string {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n') : '(no log)';
}

interface Node {
  readonly name: string;
  readonly port: number;
  readonly monitorPort: number;
  readonly config: string;
  readonly log: string;
  child: ChildProcess | null;
  exited: Promise<void>;
}

/** Polls until `check` holds or the deadline passes (generous: the machine may be loaded). */
export async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export class NatsCluster {
  readonly #nodes: Node[];

  private constructor(nodes: Node[]) {
    this.#nodes = nodes;
  }

  static async start(dir: string, options: { nodes?: number } = {}): Promise<NatsCluster> {
    const count = options.nodes ?? 3;
    const ports = await Promise.all(Array.from({ length: count * 3 }, () => freePort()));
    const nodes: Node[] = [];
    for (let index = 0; index < count; index += 1) {
      const [port, monitorPort, clusterPort] = ports.slice(index * 3, index * 3 + 3) as [number, number, number];
      const home = join(dir, `nats-${index}`);
      mkdirSync(home, { recursive: true });
      const routes = Array.from({ length: count }, (_, other) => other)
        .filter((other) => other !== index)
        .map((other) => `nats-route://127.0.0.1:${ports[other * 3 + 2]}`);
      const config = join(home, 'nats.conf');
      writeFileSync(
        config,
        [
          `server_name: n${index}`,
          `listen: 127.0.0.1:${port}`,
          `http: 127.0.0.1:${monitorPort}`,
          `jetstream { store_dir: ${JSON.stringify(join(home, 'store'))}, max_memory_store: 64MB, ` +
            `max_file_store: 2GB }`,
          ...(count > 1
            ? [`cluster { name: gitrail-test, listen: 127.0.0.1:${clusterPort}, routes: [${routes.join(', ')}] }`]
            : []),
          '',
        ].join('\n'),
      );
      nodes.push({
        name: `n${index}`,
        port,
        monitorPort,
        config,
        log: join(home, 'nats.log'),
        child: null,
        exited: Promise.resolve(),
      });
    }
    const cluster = new NatsCluster(nodes);
    for (let index = 0; index < count; index += 1) cluster.#spawn(index);
    await cluster.waitHealthy();
    return cluster;
  }

  get urls(): string[] {
    return this.#nodes.map((node) => `nats://127.0.0.1:${node.port}`);
  }

  get size(): number {
    return this.#nodes.length;
  }

  #spawn(index: number): void {
    const node = this.#nodes[index] as Node;
    const child = spawn('nats-server', ['-c', node.config], { stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(node.log, { flags: 'a' });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    node.child = child;
    node.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    // A test process that ends without closing the cluster (a failed hook) leaves no server behind.
    const orphan = () => child.kill('SIGKILL');
    process.once('exit', orphan);
    child.once('exit', () => process.off('exit', orphan));
  }

  /** Null when the node is healthy (or not running), else what its /healthz said. */
  async #unhealthy(index: number): Promise<string | null> {
    const node = this.#nodes[index] as Node;
    if (!node.child) return null;
    try {
      const response = await fetch(`http://127.0.0.1:${node.monitorPort}/healthz`);
      const body = await response.text();
      return response.status === 200 ? null : `${node.name}: ${response.status} ${body.trim()}`;
    } catch (error) {
      if (error instanceof TypeError) return `${node.name}: monitor port not answering`;
      throw error;
    }
  }

  /**
   * Resolves once every running node reports JetStream healthy (a meta leader, streams current).
   * A timeout names what each unhealthy node last said and the tail of its log.
   */
  async waitHealthy(timeoutMs = 180_000): Promise<void> {
    let last: string[] = [];
    try {
      await until(
        async () => {
          last = (await Promise.all(this.#nodes.map((_, index) => this.#unhealthy(index)))).filter(
            (said): said is string => said !== null,
          );
          return last.length === 0;
        },
        'the NATS nodes to be healthy',
        timeoutMs,
      );
    } catch (error) {
      const logs = this.#nodes
        .filter((node) => last.some((said) => said.startsWith(`${node.name}:`)))
        .map((node) => `--- ${node.name} log tail\n${logTail(node.log)}`);
      throw new Error(`${(error as Error).message}\n${last.join('\n')}\n${logs.join('\n')}`);
    }
  }

  /** SIGKILLs a node and waits for it to exit. */
  async kill(index: number): Promise<void> {
    const node = this.#nodes[index] as Node;
    node.child?.kill('SIGKILL');
    await node.exited;
    node.child = null;
  }

  /** Starts a killed node again on the same ports and store. */
  restart(index: number): void {
    this.#spawn(index);
  }

  async close(): Promise<void> {
    await Promise.all(this.#nodes.map((_, index) => this.kill(index)));
  }
}
