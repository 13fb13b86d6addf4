/**
 * The GZ legacy stand-in as its own process:
 *   node --import tsx standins/gz/server.ts --port P --data DIR [--latency-ms N] [--host H]
 * DIR is the data root; the system's file is DIR/gz/gz.db (see writer.ts).
 * Prints `listening on http://127.0.0.1:PORT` when ready; SIGTERM/SIGINT shut it down
 * cleanly (in-flight answers finish, the database is closed).
 */
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createGzHandler, parseLatency, type ServiceState } from './service.ts';
import { GzStore } from './store.ts';
import { gzDbPath } from './writer.ts';

function fail(message: string): never {
  process.stderr.write(`gz stand-in: ${message}\n`);
  process.exit(2);
}

function options() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4202' },
      // 127.0.0.1 unless told otherwise (containers: 0.0.0.0, see docker-compose.yml).
      host: { type: 'string', default: '127.0.0.1' },
      data: { type: 'string', default: '.data' },
      'latency-ms': { type: 'string', default: '0' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port "${values.port}": expected a port number 0–65535`);
  let latencyMs = 0;
  try {
    latencyMs = parseLatency(values['latency-ms'], '--latency-ms');
  } catch (error) {
    fail((error as Error).message);
  }
  const file = gzDbPath(values.data!);
  if (!existsSync(file)) fail(`--data "${values.data}": no GZ system at ${file}; run the generator first`);
  return { port, latencyMs, file, host: values.host! };
}

function main(): void {
  const { port, latencyMs, file, host } = options();
  const store = GzStore.open(file);
  const state: ServiceState = { latencyMs, fault: 'none' };
  const server = http.createServer({ keepAliveTimeout: 30_000 }, createGzHandler(store, state));
  server.listen(port, host, () => {
    process.stdout.write(`listening on http://${host}:${(server.address() as AddressInfo).port}\n`);
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close(() => {
      store.close();
      process.exit(0);
    });
    // Keep-alive sockets go as soon as their answer in flight is sent; one still busy
    // after 2 s (say, under simulated latency) must not keep the process alive.
    server.closeIdleConnections();
    setInterval(() => server.closeIdleConnections(), 50).unref();
    setTimeout(() => server.closeAllConnections(), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
