// The persisted position of one AKS cluster's export read in `<stateDir>/checkpoint.json`: per
// hourly blob, the bytes (whole lines) and lines consumed. Written durably (temp file, fsync,
// rename) only after what was read is committed; a crash before that reads those lines again, and
// the ledger refuses what it already has (Event-ID = auditID).
import { join } from 'node:path';
import { z } from 'zod';
import { loadJsonState, saveJsonState } from '../runtime/json-state.ts';
import { ExportCheckpoint } from './storage-export.ts';

const CheckpointFile = z.object({ version: z.literal(1), blobs: ExportCheckpoint });
export type Checkpoint = z.infer<typeof CheckpointFile>;

export function checkpointPath(stateDir: string): string {
  return join(stateDir, 'checkpoint.json');
}

/** The checkpoint, or null before the first complete poll; a corrupt file is an error naming it. */
export function loadCheckpoint(path: string): Checkpoint | null {
  return loadJsonState(path, CheckpointFile, 'AKS audit checkpoint');
}

export function saveCheckpoint(path: string, checkpoint: Checkpoint): void {
  saveJsonState(path, checkpoint);
}
