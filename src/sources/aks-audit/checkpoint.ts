// The persisted position of one AKS cluster's export read in `<stateDir>/checkpoint.json`: per
// hourly blob, the bytes (whole lines) and lines consumed. Written durably (temp file, fsync,
// rename) only after what was read is committed; a crash before that reads those lines again, and
// the ledger refuses what it already has (Event-ID = auditID).
import { z } from 'zod';
import { checkpointStore } from '../runtime/cluster-poller.ts';
import { ExportCheckpoint } from './storage-export.ts';

const CheckpointFile = z.object({ version: z.literal(1), blobs: ExportCheckpoint });
export type Checkpoint = z.infer<typeof CheckpointFile>;

export { checkpointPath } from '../runtime/cluster-poller.ts';

export const checkpointFile = checkpointStore(CheckpointFile, 'AKS audit checkpoint');
/** The checkpoint, or null before the first complete poll; a corrupt file is an error naming it. */
export const loadCheckpoint = checkpointFile.load;
