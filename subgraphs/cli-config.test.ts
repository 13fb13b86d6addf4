import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { parseSubgraphConfig } from './cli-config.ts';

describe('subgraph command line', () => {
  it('reads region, port, host, data root and typed adapter settings', () => {
    const config = parseSubgraphConfig(['--region', 'gz', '--port', '4102', '--data', '/tmp/d',
      '--setting', 'serviceUrl=http://127.0.0.1:4202', '--setting', 'timeoutMs=800', '--setting', 'strict=true']);
    expect(config).toEqual({ region: 'GZ', port: 4102, host: '127.0.0.1', dataDir: '/tmp/d', logsDir: '/tmp/d',
      settings: { serviceUrl: 'http://127.0.0.1:4202', timeoutMs: 800, strict: true } });
  });

  it('falls back to the environment, flags winning', () => {
    const env = { SUBGRAPH_REGION: 'HB', SUBGRAPH_PORT: '4103', SUBGRAPH_HOST: '0.0.0.0', SUBGRAPH_DATA: 'data' };
    expect(parseSubgraphConfig([], env)).toMatchObject({ region: 'HB', port: 4103, host: '0.0.0.0', dataDir: resolve('data') });
    expect(parseSubgraphConfig(['--port', '0'], env).port).toBe(0);
  });

  it('keeps the region\'s logs under the data root unless --logs (or SUBGRAPH_LOGS) names another', () => {
    const base = ['--region', 'JS', '--port', '0', '--data', '/srv/data'];
    expect(parseSubgraphConfig(base).logsDir).toBe('/srv/data');
    expect(parseSubgraphConfig([...base, '--logs', '/srv/logs']).logsDir).toBe('/srv/logs');
    expect(parseSubgraphConfig(base, { SUBGRAPH_LOGS: '/var/log/liandong' }).logsDir).toBe('/var/log/liandong');
  });

  it.each([
    [['--port', '1'], /missing --region/],
    [['--region', 'JS'], /missing --port/],
    [['--region', 'Jiangsu', '--port', '1'], /--region "JIANGSU": expected a 2–3 letter region code/],
    [['--region', 'JS', '--port', '70000'], /--port "70000": expected a port number from 0 to 65535/],
    [['--region', 'JS', '--port', 'http'], /--port "http"/],
    [['--region', 'JS', '--port', '1', '--setting', 'novalue'], /--setting "novalue": expected key=value/],
    [['--region', 'JS', '--port', '1', '--colour', 'red'], /Unknown option '--colour'/],
  ])('refuses %j naming the bad setting', (argv, message) => {
    expect(() => parseSubgraphConfig(argv)).toThrow(message);
  });
});
