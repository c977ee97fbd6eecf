import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sensitiveKeySet } from '../normalise/redact.ts';
import { ConfigError } from '../domain/errors.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { resolveIntakeTokens } from './intake-tokens.ts';
import { checkConfig, loadConfig } from './load.ts';

function configFile(dir: string, text: string): string {
  const file = join(dir, 'gitrail.yaml');
  writeFileSync(file, text);
  return file;
}

test('an empty file gives the documented defaults', (t) => {
  const dir = tempDir(t);
  const { config, file } = loadConfig({ file: configFile(dir, ''), env: {} });
  assert.equal(file, join(dir, 'gitrail.yaml'));
  assert.equal(config.data, './gitrail-data');
  assert.equal(config.listen, '127.0.0.1:8080');
  assert.equal(config.log.level, 'info');
  assert.equal(config.intake.kubernetesAudit.maxBodyBytes, 32 * 1024 * 1024);
  assert.ok(config.intake.kubernetesAudit.maxBodyBytes >= 16 * 1024 * 1024);
  assert.deepEqual(config.intake.events.tokens, []);
  assert.deepEqual(config.redaction.sensitiveKeys, [], 'nothing added to the built-in sensitive keys');
});

test('redaction.sensitiveKeys adds to the defaults, never replaces them (issue 10)', (t) => {
  const dir = tempDir(t);
  const { config } = loadConfig({ file: configFile(dir, 'redaction:\n  sensitiveKeys: [apiSecret]\n'), env: {} });
  const keys = sensitiveKeySet(config.redaction.sensitiveKeys);
  for (const key of ['apisecret', 'secretstring', 'secretaccesskey', 'masteruserpassword', 'password'])
    assert.ok(keys.has(key), `${key} is hashed`);
});

test('unknown keys, wrong types and bad values are reported with their paths, all at once', (t) => {
  const dir = tempDir(t);
  const file = configFile(
    dir,
    [
      'listen: localhost',
      'lisen: 1',
      'intake:',
      '  kubernetesAudit:',
      '    maxBodyBytes: lots',
      '    tokens:',
      '      - env: 7',
      '      - value: plaintext-secret',
      '  event: {}',
      'noise:',
      '  keepStatus: [deployments]',
      'log: { level: loud }',
    ].join('\n'),
  );
  const { problems } = checkConfig({ file, env: {} });
  assert.deepEqual(problems, [
    'listen: must be host:port',
    'log.level: Invalid option: expected one of "fatal"|"error"|"warn"|"info"|"debug"|"trace"|"silent"',
    'noise.keepStatus[0]: must be <group>/<resource> (core for the legacy group) or *',
    'intake.kubernetesAudit.tokens[0].env: expected string, received number',
    'intake.kubernetesAudit.tokens[1].env: required (string)',
    'intake.kubernetesAudit.tokens[1].value: unknown key',
    'intake.kubernetesAudit.maxBodyBytes: expected number, received string',
    'intake.event: unknown key',
    'lisen: unknown key',
  ]);
  assert.throws(
    () => loadConfig({ file, env: {} }),
    (error: unknown) => error instanceof ConfigError && error.problems.includes(`${file}: lisen: unknown key`),
  );
});

test('YAML syntax errors name the file, line and column; a list is not a configuration', (t) => {
  const dir = tempDir(t);
  assert.deepEqual(
    checkConfig({ file: configFile(dir, 'data: [\n'), env: {} }).problems.map((problem) =>
      problem.replace(dir, '<dir>'),
    ),
    ['<dir>/gitrail.yaml: line 2, column 1: deficient indentation'],
  );
  assert.deepEqual(checkConfig({ file: configFile(dir, '- a\n- b\n'), env: {} }).problems, [
    '(root): the configuration must be a mapping of keys, not a list',
  ]);
  assert.deepEqual(checkConfig({ file: join(dir, 'missing.yaml'), env: {} }).problems, [
    `${join(dir, 'missing.yaml')}: no such file`,
  ]);
});

test('secrets come from the environment or files; one that cannot be read is a problem at its path', (t) => {
  const dir = tempDir(t);
  const secretFile = join(dir, 'cloudtrail.token');
  writeFileSync(secretFile, 'file-token-0123456789\n');
  const file = configFile(
    dir,
    [
      `data: ${join(dir, 'data')}`,
      'intake:',
      '  kubernetesAudit: { tokens: [{ env: AUDIT_TOKEN }] }',
      `  cloudtrail: { tokens: [{ file: ${secretFile} }] }`,
      `  events: { tokens: [{ file: ${join(dir, 'nope')} }, { env: SHORT }] }`,
    ].join('\n'),
  );
  const env = { AUDIT_TOKEN: 'audit-token-0123456789', SHORT: 'short' };
  assert.deepEqual(checkConfig({ file, env }).problems, [
    `intake.events.tokens[0]: cannot read ${join(dir, 'nope')}: ENOENT`,
    'intake.events.tokens[1]: the token is shorter than 16 characters',
  ]);
  assert.deepEqual(checkConfig({ file, env: { SHORT: 'long-enough-0123456789' } }).problems.slice(0, 1), [
    'intake.kubernetesAudit.tokens[0]: environment variable AUDIT_TOKEN is not set',
  ]);

  writeFileSync(file, readFileSync(file, 'utf8').replace(/  events:.*\n?$/, ''));
  const { config } = loadConfig({ file, env });
  const tokens = resolveIntakeTokens(config, { ...env, GITRAIL_INGEST_TOKEN: 'shared-token-0123456789' });
  assert.deepEqual(tokens.byRoute.kubernetesAudit, ['audit-token-0123456789', 'shared-token-0123456789']);
  assert.deepEqual(tokens.byRoute.cloudtrail, ['file-token-0123456789', 'shared-token-0123456789']);
  assert.deepEqual(tokens.byRoute.events, ['shared-token-0123456789']);
  assert.equal(tokens.installationTokenFile, null);
});

test('with no token anywhere the installation token is created once (0600) and used by every route', (t) => {
  const dir = tempDir(t);
  const { config } = loadConfig({ file: configFile(dir, `data: ${join(dir, 'data')}\n`), env: {} });
  const first = resolveIntakeTokens(config, {});
  const second = resolveIntakeTokens(config, {});
  assert.equal(first.installationTokenFile, join(dir, 'data', 'keys', 'ingest-token'));
  const token = readFileSync(first.installationTokenFile as string, 'utf8').trim();
  assert.ok(token.length >= 16);
  assert.equal(statSync(first.installationTokenFile as string).mode & 0o777, 0o600);
  assert.deepEqual(first.byRoute, second.byRoute);
  assert.deepEqual(first.byRoute.events, [token]);
  assert.deepEqual(first.byRoute.kubernetesAdmission, [token]);
});

test('command-line values beat the environment, which beats the file', (t) => {
  const dir = tempDir(t);
  const file = configFile(dir, 'data: /from/file\nlisten: 127.0.0.1:1000\nlog: { level: debug }\n');
  const env = { GITRAIL_DATA: '/from/env', GITRAIL_LISTEN: '127.0.0.1:2000', GITRAIL_LOG_LEVEL: 'warn' };
  assert.deepEqual(pick(loadConfig({ file, env: {} }).config), ['/from/file', '127.0.0.1:1000', 'debug']);
  assert.deepEqual(pick(loadConfig({ file, env }).config), ['/from/env', '127.0.0.1:2000', 'warn']);
  assert.deepEqual(pick(loadConfig({ file, env, overrides: { data: '/from/flag', listen: '0.0.0.0:3000' } }).config), [
    '/from/flag',
    '0.0.0.0:3000',
    'warn',
  ]);
  assert.deepEqual(checkConfig({ file, env: {}, overrides: { listen: '127.0.0.1:99999' } }).problems, [
    'listen: 127.0.0.1:99999 is not host:port with a port up to 65535',
  ]);
  assert.deepEqual(loadConfig({ file: undefined, env: { GITRAIL_CONFIG: file } }).file, file);
});

function pick(config: { data: string; listen: string; log: { level: string } }): string[] {
  return [config.data, config.listen, config.log.level];
}

test('with notifications on, loadConfig hands over the policies and templates its rules loaded', (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'policies'));
  writeFileSync(
    join(dir, 'policies', 'flags.yaml'),
    'description: Flag changed\nmatch: {branch: main, paths: "custom/flags/**"}\nchannels: [hook]\n',
  );
  const templates = join(import.meta.dirname, '..', '..', 'templates');
  const notify =
    `notify: { policies: ${join(dir, 'policies')}, templates: ${templates}, channels: { hook: { ` +
    `kind: webhook, url: "http://127.0.0.1:9/", secret: { env: HOOK } } } }\n`;
  const file = configFile(dir, `data: ${join(dir, 'data')}\n${notify}`);
  const loaded = loadConfig({ file, env: { HOOK: 'hook-secret-0123456789' } });
  assert.deepEqual(
    loaded.notify?.policies.map((policy) => policy.name),
    ['flags'],
  );
  assert.equal(loaded.notify?.templates.has('webhook', null), true);
  assert.equal(
    loadConfig({ file: configFile(dir, `data: ${join(dir, 'data')}\n`), env: {} }).notify,
    undefined,
    'nothing loaded when notifications are off',
  );
});

test('notify.policies and notify.templates are found beside the config file, whatever the working directory', (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'etc', 'policies'), { recursive: true });
  mkdirSync(join(dir, 'etc', 'chat-templates'));
  writeFileSync(
    join(dir, 'etc', 'policies', 'flags.yaml'),
    'description: Flag changed\nmatch: {branch: main, paths: "custom/flags/**"}\nchannels: [hook]\n',
  );
  const shipped = join(import.meta.dirname, '..', '..', 'templates', 'webhook.yaml');
  writeFileSync(join(dir, 'etc', 'chat-templates', 'webhook.yaml'), readFileSync(shipped));
  // Relative paths, as an operator writes them; the process runs elsewhere (here: the project,
  // whose own policies/ and templates/ must not be picked up instead).
  const file = configFile(
    join(dir, 'etc'),
    `data: ${join(dir, 'data')}\nnotify: { templates: chat-templates, channels: { hook: { kind: webhook, url: ` +
      `"http://127.0.0.1:9/", secret: { env: HOOK } } } }\n`,
  );
  assert.notEqual(process.cwd(), join(dir, 'etc'));
  const loaded = loadConfig({ file, env: { HOOK: 'hook-secret-0123456789' } });
  assert.equal(loaded.config.notify.policies, join(dir, 'etc', 'policies'));
  assert.equal(loaded.config.notify.templates, join(dir, 'etc', 'chat-templates'));
  assert.deepEqual(
    loaded.notify?.policies.map((policy) => policy.name),
    ['flags'],
  );
  assert.equal(loaded.notify?.templates.has('webhook', null), true);
});
