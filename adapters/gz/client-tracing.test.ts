/**
 * GZ's legacy calls join the request's trace: inside a traced request the call is a
 * span of its own and carries its `traceparent` to the service; background work (the
 * change-feed poll) and tracing off send none.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { GzClient, routeName } from './client.ts';
import { tracingState } from '../../common/tracing/state.ts';

const received: IncomingHttpHeaders[] = [];
let server: Server;
let client: GzClient;
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

beforeAll(async () => {
  server = createServer((req, res) => {
    received.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":0,"msg":"ok","data":{"zt":"ok"}}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  client = new GzClient({ serviceUrl: url, timeoutMs: 2000, connections: 2, pollMs: 1000 });
  provider.register();
});

afterAll(async () => {
  tracingState.on = false;
  await client.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await provider.shutdown();
  trace.disable();
  context.disable();
});

describe('GZ legacy calls and tracing', () => {
  it('sends no traceparent when tracing is off', async () => {
    tracingState.on = false;
    await trace.getTracer('test').startActiveSpan('request', async (span) => {
      await client.get('/api/v1/health');
      span.end();
    });
    expect(received.at(-1)!.traceparent).toBeUndefined();
  });

  it('on, a call inside a traced request is a span whose traceparent reaches the service', async () => {
    tracingState.on = true;
    exporter.reset();
    let traceId = '';
    await trace.getTracer('test').startActiveSpan('request', async (span) => {
      traceId = span.spanContext().traceId;
      await client.get('/api/v1/persons', { sfzh: '320102198001011234' });
      span.end();
    });
    const call = exporter.getFinishedSpans().find((s) => s.name === 'liandong.adapter.call')!;
    expect(call.attributes).toEqual({ 'liandong.region': 'GZ', 'liandong.adapter.operation': 'GET /api/v1/persons' });
    expect(received.at(-1)!.traceparent).toBe(`00-${traceId}-${call.spanContext().spanId}-01`);
  });

  it('on, background calls outside any request make no span and send no traceparent', async () => {
    tracingState.on = true;
    exporter.reset();
    await client.get('/api/v1/changes');
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(received.at(-1)!.traceparent).toBeUndefined();
  });

  it('names a call by its route, masking any id in the path', () => {
    expect(routeName('GET', '/api/v1/persons?sfzh=320102198001011234')).toBe('GET /api/v1/persons');
    expect(routeName('GET', '/api/v1/cases/GZ-2024-000123')).toBe('GET /api/v1/cases/{id}');
  });
});
