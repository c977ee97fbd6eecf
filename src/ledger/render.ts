// A document rendered to its canonical YAML blob, with a compact copy of the document (deflated
// JSON) that the writer keeps to describe the next change against. Pure CPU work, so ingest runs
// it on a worker thread: the writer then only builds trees and commits. The blob is not deflated
// here: most are stored as deltas against their previous version, and the pack worker deflates
// the ones stored whole (issue 12: deflating every blob was ~12% of the render worker's CPU).
import type { Doc } from '../domain/change.ts';
import { toCanonicalYaml } from '../normalise/canonical-yaml.ts';
import { hashObject, makeObject, type GitObject } from './objects.ts';
import { deflateTextFast, inflateTransient } from './zlib-engine.ts';

const ENCODER = new TextEncoder();

export interface RenderedBlob {
  readonly doc: Doc;
  readonly oid: string;
  readonly object: GitObject;
  /** The document as deflated JSON: how the writer remembers the current version of each file. */
  readonly packedDoc: Uint8Array;
}

/** An exact-size array of its own (kept by the cache, or posted to another thread). */
export function packDoc(doc: Doc): Uint8Array {
  return deflateTextFast(JSON.stringify(doc));
}

export function unpackDoc(packed: Uint8Array): Doc {
  return JSON.parse(inflateTransient(packed).toString('utf8')) as Doc;
}

/**
 * The id of the blob renderBlob would make, without deflating or packing anything: for comparing with a recorded file.
 */
export function blobOid(doc: Doc): string {
  return hashObject('blob', ENCODER.encode(toCanonicalYaml(doc)));
}

/**
 * Renders a document to its blob (an exact-size array: it may be posted to another thread),
 * with the compact copy of the document the writer keeps.
 */
export function renderBlob(doc: Doc): RenderedBlob {
  const object = makeObject('blob', ENCODER.encode(toCanonicalYaml(doc)));
  return { doc, oid: object.oid, object, packedDoc: packDoc(doc) };
}
