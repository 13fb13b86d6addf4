/**
 * Finds absolute URLs a built asset would make the browser fetch. Bundles are full of
 * `http(s)://` strings that are never fetched — XML namespaces, links in error messages,
 * spec references — so only fetching positions count: in CSS `url(…)` and `@import`;
 * in JS, a quoted URL passed to fetch, import(), Worker/SharedWorker, importScripts or
 * EventSource/WebSocket, or assigned as `src`/`href`.
 */
const CSS_FETCHES = [/url\(\s*['"]?((?:https?:)?\/\/[^'")\s]+)/gi, /@import\s+(?:url\(\s*)?['"]?((?:https?:)?\/\/[^'")\s;]+)/gi];
const JS_FETCHES = [
  /\b(?:fetch|import|Worker|SharedWorker|importScripts|EventSource|WebSocket)\s*\(\s*['"`]((?:https?:|wss?:)?\/\/[^'"`]+)/g,
  /\b(?:src|href)\s*=\s*['"`]((?:https?:)?\/\/[^'"`]+)/g,
];

export function fetchedExternalUrls(text: string, kind: 'js' | 'css'): string[] {
  const found = new Set<string>();
  for (const pattern of kind === 'css' ? CSS_FETCHES : JS_FETCHES) {
    for (const match of text.matchAll(pattern)) found.add(match[1]);
  }
  return [...found].sort();
}
