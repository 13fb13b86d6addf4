import { afterEach, describe, expect, it } from 'vitest';
import { trace } from '@opentelemetry/api';
import { startTracing } from './sdk.ts';
import { tracingState } from './state.ts';
import { TRACING_OFF } from './settings.ts';
import { inSpan, SPAN } from './spans.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../../tests/support/otlp-receiver.ts';

let receiver: OtlpReceiver | null = null;
afterEach(async () => {
  await receiver?.close();
  receiver = null;
});

describe('starting tracing', () => {
  it('off: registers nothing, the API stays a no-op and the flag stays down', async () => {
    const running = await startTracing(TRACING_OFF);
    expect(tracingState.on).toBe(false);
    const span = trace.getTracer('t').startSpan('x');
    expect(span.isRecording()).toBe(false);
    span.end();
    await running.shutdown();
  });

  it('on: exports spans as OTLP JSON under the service name, flushed by shutdown, then back to no-op', async () => {
    receiver = await startOtlpReceiver();
    const running = await startTracing({ enabled: true, otlpUrl: receiver.url, serviceName: 'unit-test', sampleRatio: 1 });
    expect(tracingState.on).toBe(true);
    await inSpan(SPAN.request, { 'liandong.audit_id': 'a-1' }, async () => {});
    await running.shutdown();
    expect(receiver.rejected).toEqual([]);
    expect(receiver.spans.map((s) => [s.service, s.name, s.attributes['liandong.audit_id']])).toEqual([['unit-test', SPAN.request, 'a-1']]);
    expect(tracingState.on).toBe(false);
    expect(trace.getTracer('t').startSpan('y').isRecording()).toBe(false);
  });

  it('on at ratio 0: new traces are not sampled, so nothing is exported', async () => {
    receiver = await startOtlpReceiver();
    const running = await startTracing({ enabled: true, otlpUrl: receiver.url, serviceName: 'unit-test', sampleRatio: 0 });
    await inSpan(SPAN.request, {}, async (span) => {
      expect(span.isRecording()).toBe(false);
    });
    await running.shutdown();
    expect(receiver.spans).toEqual([]);
  });
});
