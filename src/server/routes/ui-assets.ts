// The viewer's only static files: its stylesheet and diff2html's, served from node_modules
// (no CDN: the viewer works without network). Read once when the routes are built.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ViewerApp } from './viewer-context.ts';

export function registerAssets(app: ViewerApp): void {
  const viewerCss = readFileSync(new URL('../views/viewer.css', import.meta.url), 'utf8');
  const diffCss = readFileSync(
    createRequire(import.meta.url).resolve('diff2html/bundles/css/diff2html.min.css'),
    'utf8',
  );
  const css = (text: string) => () =>
    new Response(text, {
      headers: { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=3600' },
    });
  app.get('/assets/viewer.css', css(viewerCss));
  app.get('/assets/diff2html.css', css(diffCss));
}
