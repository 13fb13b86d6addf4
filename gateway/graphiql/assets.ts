/**
 * The GraphiQL page's built assets: where the build writes them and the gateway reads
 * them, and the URL each is served at. One list, so the build, the page and the route
 * cannot disagree.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `dist/graphiql/` at the repository root (git-ignored, made by `npm run build`). */
export const DEFAULT_ASSETS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'graphiql');

/** URL prefix of the assets; the page references them from here. */
export const ASSETS_PREFIX = '/graphiql/';

export interface Asset {
  file: string;
  kind: 'js' | 'css';
  contentType: string;
}

export const ASSETS: readonly Asset[] = [
  { file: 'app.js', kind: 'js', contentType: 'text/javascript; charset=utf-8' },
  { file: 'app.css', kind: 'css', contentType: 'text/css; charset=utf-8' },
];
