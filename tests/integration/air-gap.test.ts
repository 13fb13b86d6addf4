/**
 * Air-gapped: the gateway must make no call beyond the machine. @apollo/gateway would
 * start an OTLP "data collection" exporter to Apollo (and probe cloud metadata
 * addresses) when constructed; Liandong's gateway must never let it.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createRequire } from 'node:module';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

const require = createRequire(import.meta.url);
const telemetry = require('@apollo/gateway/dist/utilities/opentelemetry.js');

let gateway: TestGateway | undefined;
afterAll(async () => {
  await gateway?.close();
});

describe('air gap', () => {
  it("never starts @apollo/gateway's data-collection exporter", async () => {
    delete process.env.APOLLO_TELEMETRY_DISABLED;
    const exporter = vi.spyOn(telemetry, 'createDataCollectionExporter');
    gateway = await startTestGateway();
    const res = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
    });
    expect(res.status).toBe(200);
    expect(exporter).not.toHaveBeenCalled();
    expect(process.env.APOLLO_TELEMETRY_DISABLED).toBe('true');
  });
});
