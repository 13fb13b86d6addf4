import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { parseSubgraphConfig } from './cli-config.ts';

describe('subgraph command line', () => {
  it('reads region, port, host, data root and typed adapter settings', () => {
    const config = parseSubgraphConfig([
      '--region',
      'gz',
      '--port',
      '4102',
      '--data',
      '/tmp/d',
      '--setting',
      'serviceUrl=http://127.0.0.1:4202',
      '--setting',
      'timeoutMs=800',
      '--setting',
      'strict=true',
    ]);
    expect(config).toEqual({
      region: 'GZ',
      port: 4102,
      host: '127.0.0.1',
      dataDir: '/tmp/d',
      logsDir: '/tmp/d',
      settings: { serviceUrl: 'http://127.0.0.1:4202', timeoutMs: 800, strict: true },
      tracing: { enabled: false, otlpUrl: null, serviceName: 'liandong-subgraph-gz', sampleRatio: 1 },
      filters: true,
      filterSnapshot: '/tmp/d/GZ/membership-filter.json',
      filterCapacity: null,
    });
  });

  it('takes the tracing settings from flags or the environment', () => {
    const base = ['--region', 'JS', '--port', '0'];
    expect(
      parseSubgraphConfig([...base, '--tracing', '--tracing-otlp-url', 'http://127.0.0.1:4318/v1/traces', '--tracing-sample-ratio', '0.5'])
        .tracing,
    ).toEqual({ enabled: true, otlpUrl: 'http://127.0.0.1:4318/v1/traces', serviceName: 'liandong-subgraph-js', sampleRatio: 0.5 });
    expect(
      parseSubgraphConfig(base, {
        SUBGRAPH_TRACING: 'true',
        SUBGRAPH_TRACING_OTLP_URL: 'http://c:4318/v1/traces',
        SUBGRAPH_TRACING_SERVICE_NAME: 'js-1',
      }).tracing,
    ).toEqual({ enabled: true, otlpUrl: 'http://c:4318/v1/traces', serviceName: 'js-1', sampleRatio: 1 });
  });

  it.each([
    [['--tracing'], {}, /--tracing-otlp-url \(or SUBGRAPH_TRACING_OTLP_URL\): required when tracing is enabled/],
    [['--tracing-otlp-url', 'nowhere'], {}, /--tracing-otlp-url: expected an http\(s\) URL/],
    [['--tracing-sample-ratio', '2'], {}, /--tracing-sample-ratio: expected a number from 0 to 1/],
    [[], { SUBGRAPH_TRACING: 'yes' }, /SUBGRAPH_TRACING: expected true or false/],
    [[], { SUBGRAPH_TRACING_SAMPLE_RATIO: 'half' }, /SUBGRAPH_TRACING_SAMPLE_RATIO: expected a number from 0 to 1/],
  ])('refuses tracing settings %j %j naming the bad one', (argv, env, message) => {
    expect(() => parseSubgraphConfig(['--region', 'JS', '--port', '0', ...argv], env)).toThrow(message);
  });

  it('falls back to the environment, flags winning', () => {
    const env = { SUBGRAPH_REGION: 'HB', SUBGRAPH_PORT: '4103', SUBGRAPH_HOST: '0.0.0.0', SUBGRAPH_DATA: 'data' };
    expect(parseSubgraphConfig([], env)).toMatchObject({ region: 'HB', port: 4103, host: '0.0.0.0', dataDir: resolve('data') });
    expect(parseSubgraphConfig(['--port', '0'], env).port).toBe(0);
  });

  it("keeps the region's logs under the data root unless --logs (or SUBGRAPH_LOGS) names another", () => {
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
  it('publishes the membership filter unless --filters off (or SUBGRAPH_FILTERS=off)', () => {
    expect(parseSubgraphConfig(['--region', 'JS', '--port', '0']).filters).toBe(true);
    expect(parseSubgraphConfig(['--region', 'JS', '--port', '0', '--filters', 'off']).filters).toBe(false);
    expect(parseSubgraphConfig(['--region', 'JS', '--port', '0'], { SUBGRAPH_FILTERS: 'off' }).filters).toBe(false);
    expect(() => parseSubgraphConfig(['--region', 'JS', '--port', '0', '--filters', 'no'])).toThrow('--filters "no": expected on or off');
  });

  it('keeps the filter beside the region’s logs unless --filter-snapshot (or SUBGRAPH_FILTER_SNAPSHOT) names a file or says off', () => {
    const base = ['--region', 'JS', '--port', '0', '--data', '/srv/data'];
    expect(parseSubgraphConfig(base).filterSnapshot).toBe('/srv/data/JS/membership-filter.json');
    expect(parseSubgraphConfig([...base, '--logs', '/srv/logs']).filterSnapshot).toBe('/srv/logs/JS/membership-filter.json');
    expect(parseSubgraphConfig([...base, '--filter-snapshot', '/srv/f.json']).filterSnapshot).toBe('/srv/f.json');
    expect(parseSubgraphConfig(base, { SUBGRAPH_FILTER_SNAPSHOT: 'off' }).filterSnapshot).toBeNull();
    expect(() => parseSubgraphConfig([...base, '--filter-snapshot', ''])).toThrow('--filter-snapshot "": expected a file path or off');
    expect(() => parseSubgraphConfig(base, { SUBGRAPH_FILTER_SNAPSHOT: '/tmp' })).toThrow(
      'SUBGRAPH_FILTER_SNAPSHOT "/tmp": expected a file path or off, not a directory',
    );
  });

  it('sizes the first filter build for --filter-capacity (or SUBGRAPH_FILTER_CAPACITY) keys, a whole number from 1000', () => {
    const base = ['--region', 'GZ', '--port', '0', '--data', '/srv/data'];
    expect(parseSubgraphConfig([...base, '--filter-capacity', '4000000']).filterCapacity).toBe(4_000_000);
    expect(parseSubgraphConfig(base, { SUBGRAPH_FILTER_CAPACITY: '2500000' }).filterCapacity).toBe(2_500_000);
    expect(() => parseSubgraphConfig([...base, '--filter-capacity', '4e6'])).toThrow(
      '--filter-capacity "4e6": expected a whole number of keys from 1000 to 1000000000',
    );
    expect(() => parseSubgraphConfig(base, { SUBGRAPH_FILTER_CAPACITY: '10' })).toThrow('SUBGRAPH_FILTER_CAPACITY "10"');
  });
});
