// The AWSLogs layout of CloudTrail deliveries (protocols.md §3.4):
// `[<prefix>/]AWSLogs/[<o-id>/]<account>/CloudTrail/<region>/<YYYY>/<MM>/<DD>/
//  <account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16 chars>.json.gz`, keyed by delivery time,
// so keys sort by delivery time. Digest files live under `CloudTrail-Digest/` and are never listed.

export interface Trail {
  readonly prefix: string;
  readonly organizationId?: string | undefined;
  readonly account: string;
  readonly region: string;
}

/** The folder holding one account's and region's log files, ending in `/`. */
export function regionFolder(trail: Trail): string {
  const parts = [trail.prefix, 'AWSLogs', trail.organizationId, trail.account, 'CloudTrail', trail.region].filter(
    (part) => part !== undefined && part !== '',
  );
  return `${parts.join('/')}/`;
}

/** The key every file delivered on or after `time`'s day sorts after (S3 `StartAfter`). */
export function startAfterFor(trail: Trail, time: number): string {
  const iso = new Date(time).toISOString();
  return `${regionFolder(trail)}${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/`;
}

const FILE = /_CloudTrail_[a-z0-9-]+_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_[A-Za-z0-9]+\.json(?:\.gz)?$/;

/** The delivery time in a log file's name (epoch ms), or null when the key is not a log file. */
export function deliveryTime(key: string): number | null {
  const match = FILE.exec(key);
  if (!match) return null;
  const [, year, month, day, hour, minute] = match;
  return Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute));
}
