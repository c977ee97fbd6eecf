// A document rendered to its canonical YAML blob, deflated for the pack, with a compact copy of
// the document (deflated JSON) that the writer keeps to describe the next change against. Pure
// CPU work, so ingest runs it on a worker thread: the writer then only builds trees and commits.
import { deflateSync, inflateSync } from 'node:zlib';
import type { Doc } from '../domain/change.ts';
import { toCanonicalYaml } from '../normalise/canonical-yaml.ts';
import { hashObject, makeObject, type GitObject } from './objects.ts';

const ENCODER = new TextEncoder();

export interface RenderedBlob {
  readonly doc: Doc;
  readonly oid: string;
  readonly object: GitObject;
  /** The document as deflated JSON: how the writer remembers the current version of each file. */
  readonly packedDoc: Uint8Array;
}

/**
 * zlib's sync calls return a view into a 64 KiB buffer: kept (the cache) or posted to another
 * thread (which copies the whole buffer), it would cost 64 KiB each. This copies the bytes out.
 */
function exact(view: Uint8Array): Uint8Array {
  return new Uint8Array(view);
}

export function packDoc(doc: Doc): Uint8Array {
  return exact(deflateSync(JSON.stringify(doc), { level: 1 }));
}

export function unpackDoc(packed: Uint8Array): Doc {
  return JSON.parse(inflateSync(packed).toString('utf8')) as Doc;
}

/**
 * The id of the blob renderBlob would make, without deflating or packing anything: for comparing with a recorded file.
 */
export function blobOid(doc: Doc): string {
  return hashObject('blob', ENCODER.encode(toCanonicalYaml(doc)));
}

/**
 * Renders a document to its blob (an exact-size array: it may be posted to another thread),
 * deflated for the pack, with the compact copy of the document the writer keeps.
 */
export function renderBlob(doc: Doc): RenderedBlob {
  const content = ENCODER.encode(toCanonicalYaml(doc));
  const object = makeObject('blob', content);
  return {
    doc,
    oid: object.oid,
    object: { ...object, deflated: exact(deflateSync(content, { level: 1 })) },
    packedDoc: packDoc(doc),
  };
}
