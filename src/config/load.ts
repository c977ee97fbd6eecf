// Loads gitrail.yaml in stages: find and read the file, parse the YAML, lay environment and
// command-line overrides over it, validate with the schema, then the cross-field rules.
// `gitrail check-config` runs exactly these stages and prints what they found.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as yaml from 'js-yaml';
import { ConfigError } from '../domain/errors.ts';
import type { NotifySetup } from '../notify/check.ts';
import { formatIssues } from './issues.ts';
import { checkRules } from './rules.ts';
import { Config } from './schema.ts';

export const DEFAULT_CONFIG_FILE = 'gitrail.yaml';

export interface ConfigOverrides {
  readonly data?: string | undefined;
  readonly listen?: string | undefined;
}

export interface LoadOptions {
  /** An explicit file (--config); it must exist. */
  readonly file?: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  /** Command-line values, stronger than the environment and the file. */
  readonly overrides?: ConfigOverrides;
}

export interface LoadedConfig {
  readonly config: Config;
  /** The file read, or null when the embedded defaults apply. */
  readonly file: string | null;
  /** The notification setup the rules loaded and checked (notifications on, all rules run). */
  readonly notify?: NotifySetup;
}

export type CheckResult = {
  readonly file: string | null;
  readonly problems: readonly string[];
  readonly config: Config | null;
  readonly notify?: NotifySetup;
};

/** --config, else GITRAIL_CONFIG, else ./gitrail.yaml when it exists, else none. */
export function locateConfigFile(
  file: string | undefined,
  env: NodeJS.ProcessEnv,
): { path: string | null; explicit: boolean } {
  if (file) return { path: file, explicit: true };
  if (env['GITRAIL_CONFIG']) return { path: env['GITRAIL_CONFIG'], explicit: true };
  return existsSync(DEFAULT_CONFIG_FILE)
    ? { path: DEFAULT_CONFIG_FILE, explicit: false }
    : { path: null, explicit: false };
}

function readYaml(path: string): { value: unknown } | { problem: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problem: `${path}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(error)})`}` };
  }
  try {
    const documents = yaml.loadAll(text, { filename: path });
    if (documents.length > 1)
      return { problem: `${path}: holds ${documents.length} YAML documents; gitrail.yaml is one` };
    return { value: documents[0] ?? {} };
  } catch (error) {
    if (error instanceof yaml.YAMLException) {
      const mark = error.mark;
      const where = mark ? `line ${mark.line + 1}, column ${mark.column + 1}: ` : '';
      return { problem: `${path}: ${where}${error.reason}` };
    }
    throw error;
  }
}

function setIn(target: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) return { ...target, [head]: value };
  const child = target[head];
  const inner =
    child !== null && typeof child === 'object' && !Array.isArray(child) ? (child as Record<string, unknown>) : {};
  return { ...target, [head]: setIn(inner, rest, value) };
}

/** Environment, then command line, over the file's values. */
function applyOverrides(
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  overrides: ConfigOverrides,
): Record<string, unknown> {
  let out = raw;
  const layers: Array<[readonly string[], string | undefined]> = [
    [['data'], env['GITRAIL_DATA']],
    [['listen'], env['GITRAIL_LISTEN']],
    [['log', 'level'], env['GITRAIL_LOG_LEVEL']],
    [['data'], overrides.data],
    [['listen'], overrides.listen],
  ];
  for (const [path, value] of layers) if (value) out = setIn(out, path, value);
  return out;
}

/** Every stage up to the schema, without the cross-field rules. */
function parseConfig(options: LoadOptions): CheckResult {
  const located = locateConfigFile(options.file, options.env);
  let raw: unknown = {};
  if (located.path !== null) {
    const read = readYaml(located.path);
    if ('problem' in read) return { file: located.path, problems: [read.problem], config: null };
    raw = read.value;
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      file: located.path,
      problems: [
        `(root): the configuration must be a mapping of keys, not ${Array.isArray(raw) ? 'a list' : typeof raw}`,
      ],
      config: null,
    };
  }
  const parsed = Config.safeParse(
    applyOverrides(raw as Record<string, unknown>, options.env, options.overrides ?? {}),
    { reportInput: true },
  );
  if (!parsed.success) return { file: located.path, problems: formatIssues(parsed.error.issues), config: null };
  return { file: located.path, problems: [], config: relativeToFile(parsed.data, located.path) };
}

/**
 * The folders of policies and templates as the config file names them: relative to the
 * file's own folder (so `gitrail run --config /etc/gitrail/gitrail.yaml` finds
 * /etc/gitrail/policies from any working directory); without a file, to the working directory.
 */
function relativeToFile(config: Config, file: string | null): Config {
  if (file === null) return config;
  const base = dirname(resolve(file));
  const { notify } = config;
  return {
    ...config,
    notify: { ...notify, policies: resolve(base, notify.policies), templates: resolve(base, notify.templates) },
  };
}

/** Runs every stage and collects the problems instead of stopping at the first. */
export function checkConfig(options: LoadOptions): CheckResult {
  const parsed = parseConfig(options);
  return parsed.config === null ? parsed : { ...parsed, ...checkRules(parsed.config, options.env) };
}

function orThrow(result: CheckResult): LoadedConfig {
  if (result.problems.length > 0 || result.config === null) {
    const where = result.file ?? 'embedded defaults';
    throw new ConfigError(
      result.problems.map((problem) => (problem.startsWith(`${where}:`) ? problem : `${where}: ${problem}`)),
    );
  }
  return { config: result.config, file: result.file, ...(result.notify ? { notify: result.notify } : {}) };
}

/** The validated configuration; throws ConfigError with every problem. */
export function loadConfig(options: LoadOptions): LoadedConfig {
  return orThrow(checkConfig(options));
}

/**
 * The configuration checked by the schema only, for commands that write the data folder without
 * running the daemon (`gitrail ingest`, `demo`): they need none of its tokens, channels or mirrors.
 */
export function loadConfigValues(options: LoadOptions): LoadedConfig {
  return orThrow(parseConfig(options));
}
