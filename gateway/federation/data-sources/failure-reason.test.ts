import { describe, expect, it } from 'vitest';
import { FAILURE_TEXT, failureReason } from './failure-reason.ts';

const coded = (code: string, message = `connect ${code} 10.3.0.7:4102`) => Object.assign(new Error(message), { code });

describe('failureReason', () => {
  it.each([
    ['ECONNREFUSED', 'refused'],
    ['ECONNRESET', 'reset'],
    ['UND_ERR_SOCKET', 'reset'],
    ['ETIMEDOUT', 'timeout'],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
    ['ENOTFOUND', 'unresolved'],
    ['EHOSTUNREACH', 'unreachable'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'],
    ['EWHATEVER', 'failed'],
  ])('%s → %s, found on the error or its cause', (code, reason) => {
    expect(failureReason(coded(code))).toBe(reason);
    expect(failureReason(new TypeError('fetch failed', { cause: coded(code) }))).toBe(reason);
  });

  it('is "failed" for errors without a code', () => {
    expect(failureReason(new Error('connect 10.3.0.7:4102'))).toBe('failed');
    expect(failureReason(undefined)).toBe('failed');
  });

  it('describes every reason without an address, host name or path', () => {
    for (const text of Object.values(FAILURE_TEXT)) expect(text).not.toMatch(/\d+\.\d+\.\d+\.\d+|:\d{2,5}|\/|localhost/);
  });
});
