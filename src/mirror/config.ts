// Configuration of one mirror remote (composed into gitrail.yaml's schema).
import { z } from 'zod';

export const MirrorConfig = z.object({ url: z.string().url().describe('smart-HTTP(S) URL of the remote repository') }).strict().describe('a git remote that main and activity are pushed to');
export type MirrorConfig = z.infer<typeof MirrorConfig>;
