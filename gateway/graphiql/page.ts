/**
 * The GraphiQL HTML page and the Content-Security-Policy it is served with.
 *
 * No inline script: the app is an external same-origin file, and the page config is a
 * JSON data block the browser never executes. Everything — scripts, styles, XHR — comes
 * from the gateway's own origin; fonts and icons are data: URLs inside the CSS. Nothing
 * may frame the page, post forms, or change the base URL.
 *
 * One exception for styles: GraphiQL's menus and dialogs (Radix, through
 * react-remove-scroll) add a `<style>` element while open, e.g. the operation menu of a
 * tab holding several operations. The page allows exactly the style elements carrying
 * this response's nonce (fresh per page load, handed to the app in its config, which
 * passes it to those libraries through `get-nonce`); no inline script is allowed at all.
 */
import { randomBytes } from 'node:crypto';
import { ASSETS_PREFIX } from './assets.ts';
import { PAGE_CONFIG_ELEMENT_ID, type PageConfig } from './page-config.ts';

/** The CSP of the page itself: `styleNonce` admits the app's own style elements. */
export function contentSecurityPolicy(styleNonce: string): string {
  return CONTENT_SECURITY_POLICY.replace("style-src 'self'", `style-src 'self' 'nonce-${styleNonce}'`);
}

/** The CSP of everything else under /graphiql/ (assets, dev tokens): no exception. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers for the page and its assets: the CSP, and no sniffing, framing or referrer leaks. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** A nonce for one page load: 128 random bits, as CSP asks. */
export function newStyleNonce(): string {
  return randomBytes(16).toString('base64');
}

export function renderPage(config: PageConfig): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Liandong GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${ASSETS_PREFIX}app.css">
<script type="application/json" id="${PAGE_CONFIG_ELEMENT_ID}">${jsonForHtml(config)}</script>
<script type="module" src="${ASSETS_PREFIX}app.js"></script>
</head>
<body>
<div id="graphiql"><noscript>GraphiQL needs JavaScript.</noscript></div>
</body>
</html>
`;
}

/** JSON inside <script>: `<` escaped so no value can close the element. */
function jsonForHtml(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}
