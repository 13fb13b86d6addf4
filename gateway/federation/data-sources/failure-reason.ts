/**
 * Why a region did not answer, as a stable reason callers may see.
 *
 * The transport's own text ("connect ECONNREFUSED 127.0.0.1:4502", "HTTP 502 from
 * http://10.3.0.7:4102/index …") names the region's internal address — network layout
 * every caller would otherwise learn by asking while a region is down. Callers get the
 * region's code and one of these reasons; the operator log keeps the transport's detail.
 */
export type FailureReason =
  | 'refused'
  | 'reset'
  | 'timeout'
  | 'unresolved'
  | 'unreachable'
  | 'tls'
  | 'bad-response'
  | 'overloaded'
  | 'circuit-open'
  | 'failed';

/** What each reason tells a caller: no address, host name or path. */
export const FAILURE_TEXT: Record<FailureReason, string> = {
  refused: 'connection refused',
  reset: 'connection reset',
  timeout: 'no answer in time',
  unresolved: 'its host name did not resolve',
  unreachable: 'network unreachable',
  tls: 'TLS handshake failed',
  'bad-response': 'it answered with something other than a GraphQL response',
  overloaded: 'too many requests waiting for it at the gateway',
  'circuit-open': 'circuit open after repeated failures',
  failed: 'the request failed',
};

const BY_CODE: Record<string, FailureReason> = {
  ECONNREFUSED: 'refused',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_CLOSED: 'reset',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ENOTFOUND: 'unresolved',
  EAI_AGAIN: 'unresolved',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EHOSTDOWN: 'unreachable',
  ENETDOWN: 'unreachable',
  EADDRNOTAVAIL: 'unreachable',
};

/** The reason for a transport error (undici's or node's, possibly wrapped as `cause`). */
export function failureReason(error: unknown): FailureReason {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code === undefined) continue;
    if (BY_CODE[code]) return BY_CODE[code];
    if (/^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED|SELF_SIGNED_CERT)/.test(code)) return 'tls';
  }
  return 'failed';
}
