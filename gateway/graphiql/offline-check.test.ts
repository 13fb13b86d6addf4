import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGraphiql } from './build.ts';
import { fetchedExternalUrls } from './offline-check.ts';

describe('fetchedExternalUrls', () => {
  it('finds CSS that would load fonts, images or stylesheets from elsewhere', () => {
    const css = `@font-face{src:url(https://fonts.gstatic.com/x.woff2)} .a{background:url('//cdn.example/i.png')} @import "https://cdn.example/a.css";`;
    expect(fetchedExternalUrls(css, 'css')).toEqual([
      '//cdn.example/i.png',
      'https://cdn.example/a.css',
      'https://fonts.gstatic.com/x.woff2',
    ]);
  });

  it('allows data: URLs and relative URLs in CSS', () => {
    expect(fetchedExternalUrls('.a{src:url(data:font/woff2;base64,AAAA)} .b{background:url(/graphiql/x.png)}', 'css')).toEqual([]);
  });

  it('finds JS that would fetch, import or start a worker from elsewhere', () => {
    const js = `fetch("https://telemetry.example/p");new Worker('https://cdn.example/w.js');import("https://esm.sh/x");s.src="https://cdn.example/s.js"`;
    expect(fetchedExternalUrls(js, 'js')).toEqual([
      'https://cdn.example/s.js',
      'https://cdn.example/w.js',
      'https://esm.sh/x',
      'https://telemetry.example/p',
    ]);
  });

  it('ignores URLs that are never fetched: XML namespaces and links in messages', () => {
    const js = `createElementNS("http://www.w3.org/2000/svg","svg");throw Error("see https://react.dev/errors/"+e)`;
    expect(fetchedExternalUrls(js, 'js')).toEqual([]);
  });
});

describe('buildGraphiql', () => {
  it('bundles GraphiQL into one JS and one CSS file that load nothing from outside', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'liandong-graphiql-build-'));
    try {
      const { bytes } = await buildGraphiql(dir);
      expect(Object.keys(bytes).sort()).toEqual(['app.css', 'app.js']);
      const css = readFileSync(join(dir, 'app.css'), 'utf8');
      // GraphiQL's fonts are inlined; no absolute URL of any kind is left in the CSS.
      expect(css).not.toMatch(/https?:\/\//);
      expect(css).toContain('data:font/woff2;base64');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
