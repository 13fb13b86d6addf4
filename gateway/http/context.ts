/**
 * Builds the per-request GatewayContext. The HTTP layer makes the bare context; each
 * context hook (authentication, purpose…) then fills in its part, in the order the hooks
 * are listed (gateway/plugins/index.ts). A hook refuses the request by throwing a
 * GraphQLError whose `extensions.http.status` is the HTTP status (401, 400…).
 */
import { randomUUID } from 'node:crypto';
import { newReport, type GatewayContext } from '../context.ts';
import { headerValue, type HttpRequestInfo } from './request.ts';

export type ContextHook = (context: GatewayContext, request: HttpRequestInfo) => void | Promise<void>;

export function bareContext(request: HttpRequestInfo, requestId: string = randomUUID()): GatewayContext {
  return {
    requestId,
    startedAt: Date.now(),
    clientAddress: request.clientAddress,
    userAgent: headerValue(request, 'user-agent') ?? '',
    caller: null,
    purpose: null,
    // Until authentication says otherwise the caller is anonymous: the narrowest partition.
    authorisationPartition: 'anonymous',
    denied: [],
    report: newReport(),
  };
}
