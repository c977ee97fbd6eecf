// Configuration of the web viewer and JSON API (owned by the viewer; composed into gitrail.yaml's schema).
import { z } from 'zod';

export const ViewerConfig = z.object({}).strict().describe('web viewer and JSON API');
export type ViewerConfig = z.infer<typeof ViewerConfig>;
