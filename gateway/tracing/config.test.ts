import { describe, expect, it } from 'vitest';
import { validateTracingConfig } from './config.ts';

describe('the tracing section', () => {
  it('is off by default, with no endpoint', () => {
    expect(validateTracingConfig(undefined)).toEqual({ enabled: false, otlpUrl: null, serviceName: 'liandong-gateway', sampleRatio: 1 });
  });

  it('takes an endpoint, a service name and a ratio', () => {
    expect(
      validateTracingConfig({ enabled: true, otlpUrl: 'http://127.0.0.1:4318/v1/traces', serviceName: 'gw-1', sampleRatio: 0.25 }),
    ).toEqual({ enabled: true, otlpUrl: 'http://127.0.0.1:4318/v1/traces', serviceName: 'gw-1', sampleRatio: 0.25 });
  });

  it('refuses bad settings, naming each', () => {
    expect(() => validateTracingConfig({ enabled: true })).toThrow(/tracing\.otlpUrl: required when tracing is enabled/);
    expect(() => validateTracingConfig({ enabled: 'yes' })).toThrow(/tracing\.enabled: expected true or false/);
    expect(() => validateTracingConfig({ otlpUrl: 'collector:4318' })).toThrow(/tracing\.otlpUrl: expected an http\(s\) URL/);
    expect(() => validateTracingConfig({ sampleRatio: 1.5 })).toThrow(/tracing\.sampleRatio: expected a number from 0 to 1/);
    expect(() => validateTracingConfig({ serviceName: 'has space' })).toThrow(/tracing\.serviceName/);
    expect(() => validateTracingConfig({ endpoint: 'http://x' })).toThrow(/tracing\.endpoint: unknown setting/);
  });
});
