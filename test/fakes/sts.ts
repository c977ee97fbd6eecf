// A fake AWS STS endpoint on 127.0.0.1 for the real SDK's AssumeRole (the Query protocol: a
// form-encoded POST, an XML answer). It hands out temporary credentials per role, records each
// call, and refuses roles it is told to (AccessDenied, 403), as STS does for a trust policy that
// does not allow the caller or a wrong ExternalId.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AssumeRoleCall {
  readonly roleArn: string;
  readonly sessionName: string;
  readonly externalId: string | undefined;
  /** The access key id the call was signed with (the caller's own credentials). */
  readonly callerKey: string;
}

const xml = (text: string) => text.replace(/[<>&]/g, (c) => `&#${c.charCodeAt(0)};`);

export class FakeSts {
  readonly calls: AssumeRoleCall[] = [];
  /** Roles AssumeRole refuses. */
  readonly denied = new Set<string>();
  readonly #server: Server;
  readonly url: string;

  private constructor(server: Server) {
    this.#server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  static async start(): Promise<FakeSts> {
    let fake: FakeSts | null = null;
    const server = createServer((req, res) => void fake?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake = new FakeSts(server);
    return fake;
  }

  /** The temporary access key id handed out for `roleArn`. */
  static keyFor(roleArn: string): string {
    return `ASIA${roleArn.split(':')[4]}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const send = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'text/xml' });
      res.end(body);
    };
    const error = (status: number, code: string, message: string) =>
      send(
        status,
        `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>` +
          `<Code>${code}</Code><Message>${xml(message)}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
      );
    if (req.method !== 'POST' || form.get('Action') !== 'AssumeRole' || form.get('Version') !== '2011-06-15')
      return error(400, 'InvalidAction', `unsupported action ${form.get('Action')}`);
    const callerKey = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
    if (!callerKey) return error(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
    const roleArn = form.get('RoleArn') ?? '';
    const sessionName = form.get('RoleSessionName') ?? '';
    this.calls.push({ roleArn, sessionName, externalId: form.get('ExternalId') ?? undefined, callerKey });
    if (this.denied.has(roleArn))
      return error(
        403,
        'AccessDenied',
        `User: ${callerKey} is not authorized to perform: sts:AssumeRole on ${roleArn}`,
      );
    const account = roleArn.split(':')[4];
    const expiration = new Date(Date.now() + 3600_000).toISOString();
    send(
      200,
      `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>` +
        `<AssumedRoleUser><Arn>arn:aws:sts::${account}:assumed-role/${xml(roleArn.split('/').at(-1) ?? '')}/` +
        `${xml(sessionName)}</Arn><AssumedRoleId>AROAFAKE:${xml(sessionName)}</AssumedRoleId></AssumedRoleUser>` +
        `<Credentials><AccessKeyId>${FakeSts.keyFor(roleArn)}</AccessKeyId>` +
        `<SecretAccessKey>fake-secret</SecretAccessKey>` +
        `<SessionToken>session-for-${account}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
        `</AssumeRoleResult><ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    );
  }
}
