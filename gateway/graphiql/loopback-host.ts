/**
 * Whether a request's Host header names this machine's loopback interface.
 *
 * The development dev-token route hands out an admin token to whoever asks, which is
 * fine for a browser on the developer's own machine and nothing else. Binding to
 * 127.0.0.1 is not enough: with DNS rebinding, a page from attacker.example re-points
 * its own name at 127.0.0.1 and reads the route same-origin — but its requests still
 * carry `Host: attacker.example`. So only the loopback names themselves are accepted:
 * `127.0.0.1`, `[::1]` and `localhost` (any case), each with or without a port.
 */
const LOOPBACK_NAMES = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** The accepted Host names, for messages. */
export const LOOPBACK_HOSTS = '127.0.0.1, [::1] or localhost';

export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  // Bare `::1` is not valid Host syntax (IPv6 needs brackets) but names loopback all the same.
  if (host.trim() === '::1') return true;
  const match = /^(\[[^\]]*\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(host.trim());
  if (!match) return false;
  if (match[2] !== undefined && Number(match[2]) > 65535) return false;
  return LOOPBACK_NAMES.has(match[1].toLowerCase());
}
