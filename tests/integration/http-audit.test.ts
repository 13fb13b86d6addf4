/**
 * The GraphQL-over-HTTP spec audit suite (graphql-http's `serverAudits`) against the
 * running gateway over real HTTP. Every MUST audit must pass; SHOULD and MAY audits are
 * reported (a failing SHOULD is listed in the test output, not a failure).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverAudits } from 'graphql-http';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});

afterAll(async () => {
  await gateway?.close();
});

describe('GraphQL over HTTP audits', () => {
  for (const audit of serverAudits({ url: () => gateway.url })) {
    const must = audit.name.startsWith('MUST');
    it(`${audit.id} ${audit.name}`, async () => {
      const result = await audit.fn();
      if (result.status !== 'ok') {
        const detail = `${audit.name}: ${result.reason}`;
        if (must) expect.fail(detail);
        console.warn(`[audit ${result.status}] ${detail}`);
      }
    });
  }
});
