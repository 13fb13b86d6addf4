/**
 * What makes an HTTP request a GraphQL request the gateway will run: the method, the
 * media type, and the shape of the parameters (`query`, `operationName`, `variables`,
 * `extensions`, from a JSON body or the URL). Checked here, before Apollo Server sees the
 * request, for two reasons:
 * - Apollo Server refuses a malformed request before its plugins run, so the audit
 *   plugin would never see it: a request refused here is audited by the HTTP layer,
 *   so every request to /graphql leaves its record.
 * - Each refusal gets a code naming what was wrong (Apollo says BAD_REQUEST for all).
 *
 * Variables are also refused when nested deeper than the limit: their depth is measured
 * without recursion, so a body nested 100,000 deep costs a loop, not the stack — and a
 * value that deep never reaches a layer (audit canonical JSON, coercion) that recurses.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { quoteInput } from '../../common/normalise/index.ts';
import { mediaType, readBody } from './body.ts';
import { HttpError } from '../../common/http/respond.ts';

/** Stable `extensions.code` of each way a request can fail to be a GraphQL request. */
export const REQUEST_CODES = {
  method: 'METHOD_NOT_ALLOWED',
  mediaType: 'UNSUPPORTED_MEDIA_TYPE',
  notJson: 'BODY_NOT_JSON',
  batch: 'BATCH_NOT_SUPPORTED',
  notObject: 'BODY_NOT_OBJECT',
  repeated: 'PARAMETER_REPEATED',
  queryMissing: 'QUERY_MISSING',
  queryNotString: 'QUERY_NOT_STRING',
  operationName: 'OPERATION_NAME_NOT_STRING',
  variables: 'VARIABLES_NOT_OBJECT',
  extensions: 'EXTENSIONS_NOT_OBJECT',
  variablesDepth: 'VARIABLES_TOO_DEEP',
  extensionsDepth: 'EXTENSIONS_TOO_DEEP',
} as const;

export interface GraphQLRequestLimits {
  bodyLimitBytes: number;
  /** Deepest nesting accepted in `variables` (and `extensions`): `{"a":1}` is depth 1. */
  maxVariablesDepth: number;
}

/** A request refused for its shape; `auditVariables` is what the audit may store in place of its variables. */
export class RequestShapeError extends HttpError {
  constructor(
    status: number,
    code: string,
    message: string,
    headers: Record<string, string> = {},
    readonly auditVariables: Record<string, unknown> | null = null,
  ) {
    super(status, code, message, headers);
  }
}

const refuse = (code: string, message: string) => new RequestShapeError(400, code, message);

/**
 * Reads and checks a GraphQL request; resolves with the parsed POST body (undefined for
 * GET), or rejects with an HttpError whose code names the problem.
 */
export async function readGraphQLRequest(req: IncomingMessage, limits: GraphQLRequestLimits): Promise<unknown> {
  const method = req.method ?? 'GET';
  if (method === 'GET') {
    checkGetRequest(req, limits);
    return undefined;
  }
  if (method !== 'POST') {
    throw new RequestShapeError(405, REQUEST_CODES.method, `${method} ${pathOf(req)}: GraphQL is served over GET (queries) and POST.`, {
      allow: 'GET, POST',
    });
  }
  const type = mediaType(req.headers['content-type']);
  if (type !== 'application/json') {
    throw new RequestShapeError(
      415,
      REQUEST_CODES.mediaType,
      `POST ${pathOf(req)}: Content-Type ${quoteInput(req.headers['content-type'] ?? '')} is not supported; send application/json.`,
    );
  }
  const raw = await readBody(req, limits.bodyLimitBytes);
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw refuse(REQUEST_CODES.notJson, `Request body is not valid JSON: ${(error as Error).message}`);
  }
  checkPostBody(body, raw, limits);
  return body;
}

function checkPostBody(body: unknown, raw: Buffer, limits: GraphQLRequestLimits): void {
  if (Array.isArray(body)) {
    throw refuse(
      REQUEST_CODES.batch,
      `Request body is a JSON array of ${body.length} operations; batches are not accepted: send one {"query": …} object per request.`,
    );
  }
  if (body === null || typeof body !== 'object') {
    throw refuse(
      REQUEST_CODES.notObject,
      `Request body is JSON ${body === null ? 'null' : typeof body}; expected an object {"query": "…", "variables": {…}}.`,
    );
  }
  const params = body as Record<string, unknown>;
  checkParameters(
    {
      query: params.query,
      operationName: params.operationName,
      variables: params.variables,
      extensions: params.extensions,
      documentId: params.documentId,
    },
    'body',
    raw,
    limits,
  );
}

function checkGetRequest(req: IncomingMessage, limits: GraphQLRequestLimits): void {
  const contentType = req.headers['content-type'];
  if (contentType !== undefined && mediaType(contentType) !== 'application/json') {
    throw new RequestShapeError(
      415,
      REQUEST_CODES.mediaType,
      `GET ${pathOf(req)}: Content-Type ${quoteInput(contentType ?? '')} is not supported; a GET request has no body (send none, or application/json).`,
    );
  }
  const search = new URL(req.url ?? '/', 'http://gateway').searchParams;
  const once = (name: string): string | undefined => {
    const values = search.getAll(name);
    if (values.length > 1)
      throw refuse(REQUEST_CODES.repeated, `The URL parameter "${name}" is given ${values.length} times; give it once.`);
    return values[0];
  };
  const json = (name: 'variables' | 'extensions', code: string): unknown => {
    const text = once(name);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text);
    } catch (error) {
      throw refuse(code, `The URL parameter "${name}" is not valid JSON (${(error as Error).message}); expected a JSON object.`);
    }
  };
  const raw = Buffer.from(req.url ?? '', 'utf8');
  checkParameters(
    {
      query: once('query'),
      operationName: once('operationName'),
      variables: json('variables', REQUEST_CODES.variables),
      extensions: json('extensions', REQUEST_CODES.extensions),
      documentId: once('documentId'),
    },
    'URL parameter',
    raw,
    limits,
  );
}

/** `documentId`: a trusted document named instead of sent (GraphQL-over-HTTP trusted documents). */
interface Parameters {
  query: unknown;
  operationName: unknown;
  variables: unknown;
  extensions: unknown;
  documentId: unknown;
}

function checkParameters(p: Parameters, where: 'body' | 'URL parameter', raw: Buffer, limits: GraphQLRequestLimits): void {
  const name = (key: string) => (where === 'body' ? `"${key}" in the request body` : `The URL parameter "${key}"`);
  if (p.extensions !== undefined && p.extensions !== null && !isObject(p.extensions)) {
    throw refuse(REQUEST_CODES.extensions, `${name('extensions')} is ${describe(p.extensions)}; expected a JSON object.`);
  }
  const persisted = (isObject(p.extensions) && isObject(p.extensions.persistedQuery)) || typeof p.documentId === 'string';
  if (p.query === undefined || p.query === null || p.query === '') {
    // A persisted query or trusted document sends its id instead of the text: the trusted
    // documents manifest (or Apollo Server's persisted-query cache) resolves it.
    if (!persisted)
      throw refuse(
        REQUEST_CODES.queryMissing,
        `No GraphQL operation: ${name('query')} is ${p.query === '' ? 'empty' : 'missing'}; send the operation text, e.g. {"query": "{ regions { code } }"}.`,
      );
  } else if (typeof p.query !== 'string') {
    throw refuse(
      REQUEST_CODES.queryNotString,
      `${name('query')} is ${describe(p.query)}; expected the operation as a string of GraphQL text.`,
    );
  }
  if (p.operationName !== undefined && p.operationName !== null && typeof p.operationName !== 'string') {
    throw refuse(
      REQUEST_CODES.operationName,
      `${name('operationName')} is ${describe(p.operationName)}; expected the name of an operation in the query, as a string.`,
    );
  }
  if (p.variables !== undefined && p.variables !== null && !isObject(p.variables)) {
    const hint = typeof p.variables === 'string' ? ' (a JSON-encoded string: send the object itself)' : '';
    throw refuse(
      REQUEST_CODES.variables,
      `${name('variables')} is ${describe(p.variables)}${hint}; expected a JSON object of variable values.`,
    );
  }
  checkDepth(p.variables, 'variables', REQUEST_CODES.variablesDepth, raw, limits.maxVariablesDepth, name);
  checkDepth(p.extensions, 'extensions', REQUEST_CODES.extensionsDepth, raw, limits.maxVariablesDepth, name);
}

function checkDepth(value: unknown, key: string, code: string, raw: Buffer, max: number, name: (key: string) => string): void {
  if (!exceedsDepth(value, max)) return;
  // The audit keeps a digest of the request in place of a value it could not store whole.
  const auditVariables = {
    $refused: code,
    maxDepth: max,
    requestBytes: raw.length,
    requestSha256: createHash('sha256').update(raw).digest('hex'),
  };
  throw new RequestShapeError(400, code, `${name(key)} is nested more than ${max} levels deep; the limit is ${max}.`, {}, auditVariables);
}

/** True when `value` nests objects/arrays more than `max` levels deep; iterative, stops at the first too-deep branch. */
export function exceedsDepth(value: unknown, max: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: v, depth } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: depth + 1 });
    }
  }
  return false;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return 'a string';
  return `a ${typeof value}`;
}

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://gateway').pathname;
}
