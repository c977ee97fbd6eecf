// A document rendered to its canonical YAML blob. Pure CPU work, so it can run on a worker
// thread: the writer then only builds trees and commits.
import type { Doc } from '../domain/change.ts';
import { toCanonicalYaml } from '../normalise/canonical-yaml.ts';
import { makeObject, type GitObject } from './objects.ts';

export interface RenderedBlob {
  readonly doc: Doc;
  readonly oid: string;
  readonly object: GitObject;
}

export function renderBlob(doc: Doc): RenderedBlob {
  const object = makeObject('blob', Buffer.from(toCanonicalYaml(doc)));
  return { doc, oid: object.oid, object };
}
