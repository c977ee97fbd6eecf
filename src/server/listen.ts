// Serves a Hono app on @hono/node-server, over HTTP or HTTPS, and resolves with the URL once
// the socket listens (port 0 picks a free port). Close waits for requests in flight.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';
import { ListenError } from './errors.ts';

export interface ListenOptions {
  readonly host: string;
  readonly port: number;
  readonly tls?: { readonly certFile: string; readonly keyFile: string } | undefined;
}

export interface Listening {
  readonly url: string;
  /** Stops accepting connections, closes idle ones and resolves once requests in flight are answered. */
  close(): Promise<void>;
}

export function formatUrl(scheme: 'http' | 'https', host: string, port: number): string {
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function listen(app: Hono<any>, options: ListenOptions): Promise<Listening> {
  const server = (
    options.tls
      ? createAdaptorServer({
          fetch: app.fetch,
          createServer: createHttpsServer,
          serverOptions: { cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) },
        })
      : createAdaptorServer({ fetch: app.fetch })
  ) as Server;
  const where = formatUrl(options.tls ? 'https' : 'http', options.host, options.port);
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const why =
        error.code === 'EADDRINUSE'
          ? 'the address is in use (another instance? pick another with --listen)'
          : error.code === 'EACCES'
            ? 'not permitted'
            : error.message;
      reject(new ListenError(`cannot listen on ${where}: ${why}`, { cause: error }));
    };
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      const { port } = server.address() as AddressInfo;
      resolve({
        url: formatUrl(options.tls ? 'https' : 'http', options.host, port),
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}
