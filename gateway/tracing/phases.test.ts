import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApolloServerPlugin } from '@apollo/server';
import { context, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { operationFactsPlugin, tracedExecution, tracedGraphQL, tracedHook, tracedPlugin } from './phases.ts';
import { tracingState } from '../../common/tracing/state.ts';
import type { GatewayContext } from '../context.ts';
import type { GraphQLHandler } from '../http/graphql.ts';
import type { GatewayInterface } from '@apollo/server-gateway-interface';

const plugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation() {
        if (!trace.getActiveSpan()) throw new Error('no active span');
      },
      async willSendResponse() {
        throw new TypeError('bad input 320102198001011234');
      },
    };
  },
};

describe('phase spans when tracing is off', () => {
  it('hands every layer back unchanged: no wrapper, no closure on the request path', () => {
    tracingState.on = false;
    const handler: GraphQLHandler = async () => {};
    const hook = () => {};
    const gateway = {} as GatewayInterface;
    expect(tracedGraphQL(handler)).toBe(handler);
    expect(tracedHook('x', hook)).toBe(hook);
    expect(tracedPlugin('x', plugin)).toBe(plugin);
    expect(tracedExecution(gateway)).toBe(gateway);
    expect(operationFactsPlugin()).toBeNull();
  });
});

describe('phase spans when tracing is on', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  beforeAll(() => {
    provider.register();
    tracingState.on = true;
  });
  afterAll(async () => {
    tracingState.on = false;
    await provider.shutdown();
    trace.disable();
    context.disable();
  });

  it('runs each hook of a plugin inside a span named for the phase, and records a failure by class name only', async () => {
    const traced = tracedPlugin('liandong.authorisation', plugin);
    expect(traced).not.toBe(plugin);
    const listener = await traced.requestDidStart!({} as never);
    await listener!.didResolveOperation!({} as never);
    await expect(listener!.willSendResponse!({} as never)).rejects.toThrow(TypeError);
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['liandong.authorisation', 'liandong.authorisation']);
    expect(spans[1].status).toEqual({ code: 2, message: 'TypeError' });
    expect(JSON.stringify(spans.map((s) => [s.attributes, s.status, s.events]))).not.toContain('320102198001011234');
  });
});
