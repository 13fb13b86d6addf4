/**
 * Starts the gateway:
 *   node --import tsx gateway/main.ts [--config FILE] [--supergraph FILE] [--port N]
 * `--config` defaults to $LIANDONG_CONFIG or config/gateway.json; `--port` (or $PORT)
 * overrides server.port. Prints `gateway listening on http://…/graphql` when ready; SIGINT/SIGTERM
 * stop it cleanly (in-flight requests finish, then the audit log writes its final signed checkpoint).
 * compose stops it at once with exit code 2 and a message naming the problem.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from './config/load.ts';
import { createGateway } from './server.ts';

function options() {
  const { values } = parseArgs({
    options: {
      config: { type: 'string' },
      supergraph: { type: 'string' },
      port: { type: 'string' },
    },
  });
  return values;
}

// Start-up either ends ready or exits 2 with a message. If a failed start's cleanup ever
// waits on something that nothing keeps alive, Node would empty its event loop and exit 0
// — a supervisor would read that as a clean stop; seen once after a failed listen.
let started = false;
process.on('beforeExit', () => {
  if (started) return;
  process.stderr.write('gateway: start-up did not finish (its clean-up left nothing to wait on)\n');
  process.exit(2);
});

async function main(): Promise<void> {
  const args = options();
  const env = args.port === undefined ? process.env : { ...process.env, PORT: args.port };
  const config = loadConfig(args.config, env);
  const gateway = await createGateway(config, { supergraphFile: args.supergraph });
  started = true;
  // The line supervisors (npm start, tests) wait for; printed whatever the log level.
  process.stdout.write(`gateway listening on ${gateway.url}\n`);
  // Every later signal is absorbed too: Ctrl-C under `npm start` reaches the whole process
  // group and is followed by npm start's own SIGTERM, and a default-handled second signal
  // would kill the process before the final audit checkpoint is written.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`gateway: ${signal} while stopping; still closing the audit log\n`);
      return;
    }
    stopping = true;
    gateway.close().then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(`gateway: error while stopping: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: Error) => {
  process.stderr.write(`gateway: ${error.message}\n`);
  process.exit(2);
});
