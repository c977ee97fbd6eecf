// The input formats `gitrail ingest` reads, in the order a value is tried against them: the
// first recogniser that knows a value wins. Adding a format is its own `format.ts` (see
// src/formats/input-format.ts) plus one line here; the contract test (src/sources/contract.test.ts)
// then runs it through the same checks as every other.
import { cloudTrailFormat } from '../formats/cloudtrail/format.ts';
import type { InputFormat } from '../formats/input-format.ts';
import { kubernetesAuditFormat, kubernetesAuditListFormat } from '../formats/kubernetes-audit/format.ts';
import { kubernetesObjectFormat } from '../formats/kubernetes-objects/format.ts';
import { aksAuditFormat } from '../sources/aks-audit/format.ts';
import { eksAuditFormat } from '../sources/eks-audit/format.ts';
import { gcpAuditFormat } from '../sources/gcp-audit/format.ts';
import { genericFormat } from '../sources/generic/format.ts';
import { gkeAuditFormat } from '../sources/gke-audit/format.ts';

export const INPUT_FORMATS = [
  kubernetesAuditFormat,
  eksAuditFormat,
  aksAuditFormat,
  gkeAuditFormat,
  gcpAuditFormat,
  kubernetesAuditListFormat,
  cloudTrailFormat,
  genericFormat,
  kubernetesObjectFormat,
] as const;

export type RecordFormat = (typeof INPUT_FORMATS)[number]['name'];

/** Each format once, by name (a format may be tried at two places of the order). */
export const FORMATS_BY_NAME: ReadonlyMap<RecordFormat, InputFormat<RecordFormat>> = new Map(
  INPUT_FORMATS.map((format) => [format.name, format] as const).reverse(),
);

/** The format whose lines a file of one record per line holds, with the value of its first line. */
export function lineFormat(line: string): { format: (typeof INPUT_FORMATS)[number]; value: unknown } | undefined {
  for (const format of INPUT_FORMATS) {
    const value = format.readLine?.(line);
    if (value !== undefined) return { format, value };
  }
  return undefined;
}
