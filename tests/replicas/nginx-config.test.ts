/**
 * The nginx configuration the multi-replica suite runs is the production file with only
 * addresses and paths rewritten: every server parameter and retry rule survives, a
 * template that drifts is refused by name, and Debian's nginx accepts the result.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NGINX_TEMPLATE, nginxAvailable, nginxMissingMessage, testNginxConfig } from './nginx.ts';

const hasNginx = nginxAvailable();
if (!hasNginx) console.warn(nginxMissingMessage);

const dir = mkdtempSync(join(tmpdir(), 'liandong-nginx-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const template = readFileSync(NGINX_TEMPLATE, 'utf8');
const generated = () => testNginxConfig(template, { dir, port: 18080, upstreams: ['127.0.0.1:1001', '127.0.0.1:1002'] });

describe('the test nginx configuration', () => {
  it('keeps the production upstream parameters and retry rules, on loopback addresses', () => {
    const text = generated();
    const parameters = /server gateway-1:4000(.*);/.exec(template)![1];
    expect(text).toContain(`server 127.0.0.1:1001${parameters};`);
    expect(text).toContain(`server 127.0.0.1:1002${parameters};`);
    expect(text).not.toMatch(/gateway-\d+:4000/);
    expect(text).toContain('listen 127.0.0.1:18080;');
    expect(text).toContain('proxy_next_upstream error timeout http_502 http_503 non_idempotent;');
    expect(text).toContain('zone gateways 64k;');
    expect(text).toContain(`pid ${join(dir, 'nginx.pid')};`);
  });

  it('refuses a template that no longer has what it rewrites, naming it', () => {
    expect(() => testNginxConfig(template.replace(/listen 8080;/, 'listen [::]:8080;'), { dir, port: 1, upstreams: [] })).toThrow(
      'docker/nginx/nginx.conf no longer has a `listen PORT;` line',
    );
    expect(() => testNginxConfig(template.replace(/server gateway-/g, 'server gw-'), { dir, port: 1, upstreams: [] })).toThrow(
      'has no `server gateway-N:PORT` lines',
    );
  });

  it.skipIf(!hasNginx)('is accepted by nginx -t', () => {
    const file = join(dir, 'nginx.conf');
    writeFileSync(file, generated());
    const check = spawnSync('nginx', ['-t', '-p', dir, '-c', file, '-e', join(dir, 'error.log')], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
  });
});
