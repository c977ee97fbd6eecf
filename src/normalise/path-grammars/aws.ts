// `aws/<account>/<region|global>/<service>/<type>/<id>.yaml`; keys `aws:<account>:[<region>:]<service>/<type>/<id>`
// (no region for `global`).
import { isObject } from '../../domain/json.ts';
import { unescapeSegment } from '../paths.ts';
import { pathGrammar, text, YAML } from './grammar.ts';

export interface AwsParts {
  readonly family: 'aws';
  readonly account: string;
  readonly region: string;
  readonly service: string;
  readonly type: string;
  readonly file: string;
}

export interface AwsFacts {
  readonly account: string | null;
  readonly region: string | null;
  readonly service: string;
  readonly resourceType: string | null;
  readonly id: string | null;
}

export const awsGrammar = pathGrammar({
  family: 'aws',
  parse: (path): AwsParts | undefined => {
    const parts = path.split('/');
    if (parts[0] !== 'aws' || parts.length !== 6 || !YAML.test(path)) return undefined;
    const [, account, region, service, type, file] = parts as [string, string, string, string, string, string];
    return { family: 'aws', account, region, service, type, file: file.replace(YAML, '') };
  },
  build: (p) => `aws/${p.account}/${p.region}/${p.service}/${p.type}/${p.file}.yaml`,
  key: (p) => `aws:${p.account}:${p.region === 'global' ? '' : `${p.region}:`}${p.service}/${p.type}/${p.file}`,
  pathOfKey: (key) => {
    if (!key.startsWith('aws:')) return undefined;
    const rest = key.slice(4);
    const colon = rest.indexOf(':');
    if (colon <= 0) return null;
    const account = rest.slice(0, colon);
    let tail = rest.slice(colon + 1);
    const head = tail.slice(0, tail.indexOf('/'));
    let region = 'global';
    if (head.includes(':')) {
      region = head.slice(0, head.indexOf(':'));
      tail = tail.slice(region.length + 1);
    }
    const parts = tail.split('/');
    if (parts.length !== 3 || parts.some((part) => part === '')) return null;
    return `aws/${account}/${region}/${parts.join('/')}.yaml`;
  },
  facts: (p): AwsFacts => ({
    account: unescapeSegment(p.account),
    region: unescapeSegment(p.region),
    service: unescapeSegment(p.service),
    resourceType: unescapeSegment(p.type),
    id: unescapeSegment(p.file),
  }),
  // A CloudTrail record on `activity`: its service, account and region.
  eventFacts: (doc): AwsFacts | null => {
    const source = text(doc['eventSource']);
    if (source === null) return null;
    const identity = isObject(doc['userIdentity']) ? doc['userIdentity'] : {};
    return {
      account: text(doc['recipientAccountId']) ?? text(identity['accountId']),
      region: text(doc['awsRegion']),
      service: source.replace(/\.amazonaws\.com$/, ''),
      resourceType: null,
      id: null,
    };
  },
  describe: (a) => {
    const what = a.resourceType ? `${a.service}/${a.resourceType}` : a.service;
    const where = a.account ? ` (account ${a.account}${a.region ? `, ${a.region}` : ''})` : '';
    return `${what}${a.id ? ` ${a.id}` : ''}${where}`;
  },
});
