/**
 * Workload 1: the public gateway benchmark workload (../shared/bench-peer/) — plain
 * @apollo/gateway, Hive Gateway (JS) and Liandong's gateway over one supergraph and the
 * same four subgraphs, interleaved round by round.
 */
import { existsSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkResponse } from '../lib/check.ts';
import { freePort, startAll, startProcess, TSX, type Running } from '../lib/processes.ts';
import { runRounds, type Contender } from '../lib/rounds.ts';
import { answers, startLiandong } from '../lib/liandong.ts';
import { composePeerSupergraph } from './compose.ts';
import { PEER_DIR } from './subgraphs.ts';

export interface WorkloadOptions {
  seconds: number;
  rounds: number;
  connections: number;
  warmupSeconds: number;
  log: (line: string) => void;
  /** `--compare-executors`: also Liandong on @apollo/gateway's executor (`executor.engine: "apollo"`), side by side. */
  compareExecutors?: boolean;
}

/** Plain @apollo/gateway (the reference), Hive Gateway and Liandong, started together. */
async function startContenders(supergraph: string, work: string, opts: WorkloadOptions, running: Running[]): Promise<Running[]> {
  const [apolloPort, hivePort] = [await freePort(), await freePort()];
  return startAll(running, [
    () =>
      startProcess(
        'apollo-gateway',
        process.execPath,
        [...TSX, 'bench/peer/apollo-gateway.ts', '--port', String(apolloPort), '--supergraph', supergraph],
        {
          url: `http://127.0.0.1:${apolloPort}/`,
          ready: answers(`http://127.0.0.1:${apolloPort}/`),
        },
      ),
    () =>
      startProcess(
        'hive-gateway',
        'node_modules/.bin/hive-gateway',
        ['supergraph', supergraph, '--port', String(hivePort), '--host', '127.0.0.1'],
        {
          url: `http://127.0.0.1:${hivePort}/graphql`,
          ready: answers(`http://127.0.0.1:${hivePort}/graphql`),
          env: { NODE_ENV: 'production' },
        },
      ),
    ...(existsSync('gateway/main.ts') ? [() => startLiandong({ name: 'liandong', template: 'permissive', work, supergraph })] : []),
    ...(existsSync('gateway/main.ts') && opts.compareExecutors
      ? [
          () =>
            startLiandong({
              name: 'liandong-apollo-executor',
              template: 'permissive',
              work,
              supergraph,
              sections: { executor: { engine: 'apollo' } },
            }),
        ]
      : []),
  ]);
}

export async function runPeerWorkload(opts: WorkloadOptions) {
  const work = mkdtempSync(join(tmpdir(), 'liandong-bench-'));
  // Four ports each found free (consecutive ones may belong to outgoing connections).
  const ports: number[] = [];
  while (ports.length < 4) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  const subgraphs = await startProcess(
    'peer-subgraphs',
    process.execPath,
    [...TSX, 'bench/peer/subgraphs.ts', '--ports', ports.join(',')],
    {
      url: `http://127.0.0.1:${ports[0]}/`,
      ready: async (output) => output.includes('peer subgraphs listening'),
    },
  );
  const supergraph = join(work, 'supergraph.graphql');
  writeFileSync(supergraph, composePeerSupergraph(ports));
  const running: Running[] = [];
  try {
    const contenders = await startContenders(supergraph, work, opts, running);
    const body = JSON.stringify({ query: readFileSync(`${PEER_DIR}query.graphql`, 'utf8'), operationName: 'TestQuery' });
    const expected = readFileSync(`${PEER_DIR}expected-response.json`, 'utf8');
    for (const c of contenders) await checkResponse(c.name, c.url, body, expected);
    opts.log(`workload 1 (bench-peer): response check passed for ${contenders.map((c) => c.name).join(', ')}`);
    const summary = await runRounds(
      {
        contenders: contenders.map((c): Contender => ({ name: c.name, url: c.url, pid: c.pid })),
        reference: 'apollo-gateway',
        body,
        connections: opts.connections,
        seconds: opts.seconds,
        rounds: opts.rounds,
        warmupSeconds: opts.warmupSeconds,
      },
      opts.log,
    );
    return {
      contenders: summary,
      ratioVsApolloGateway: summary.liandong?.ratioVsReference ?? null,
      hiveVsApolloGateway: summary['hive-gateway']?.ratioVsReference ?? null,
    };
  } finally {
    for (const c of running) await c.stop();
    await subgraphs.stop();
  }
}
