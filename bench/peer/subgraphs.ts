/**
 * The four subgraphs of the public gateway benchmark workload (../shared/bench-peer/),
 * written from its README: accounts, products, inventory, reviews. Each is a bare
 * node:http server over graphql-js (no Apollo Server) so the subgraphs stay cheap and
 * the gateway under test is what the benchmark measures.
 *
 *   node --import tsx bench/peer/subgraphs.ts --ports 4301,4302,4303,4304
 * serves accounts, products, inventory and reviews on those ports (default 4301–4304).
 */
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sharedPath } from '../../scripts/lib/shared.ts';
import { execute, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';

export const PEER_DIR = `${sharedPath('bench-peer')}/`;

interface PeerData {
  users: { id: string; name: string; username: string; birthday: number }[];
  products: { upc: string; name: string; price: number; weight: number }[];
  inStock: Record<string, boolean>;
  reviews: { id: string; upc: string; body: string }[];
}

const data: PeerData = JSON.parse(readFileSync(`${PEER_DIR}data.json`, 'utf8'));
const sdl = (name: string) => parse(readFileSync(`${PEER_DIR}${name}.graphql`, 'utf8'));
const userById = (id: string) => data.users.find((u) => u.id === id);
const productByUpc = (upc: string) => data.products.find((p) => p.upc === upc);

const resolvers = {
  accounts: {
    Query: { me: () => data.users[0], user: (_: unknown, { id }: { id: string }) => userById(id), users: () => data.users },
    User: { __resolveReference: (ref: { id: string }) => userById(ref.id) },
  },
  products: {
    Query: { topProducts: (_: unknown, { first }: { first: number }) => data.products.slice(0, first) },
    Product: { __resolveReference: (ref: { upc: string }) => productByUpc(ref.upc) },
  },
  inventory: {
    Product: {
      // The reference ignores the price and weight it is sent: shippingEstimate is null.
      __resolveReference: (ref: { upc: string }) => ({ upc: ref.upc, inStock: data.inStock[ref.upc], shippingEstimate: null }),
    },
  },
  reviews: {
    Review: {
      __resolveReference: (ref: { id: string }) => data.reviews.find((r) => r.id === ref.id),
      product: (review: { upc: string }) => ({ upc: review.upc }),
      author: () => ({ id: '1', username: 'urigo' }),
    },
    User: {
      __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
      reviews: () => data.reviews.filter((r) => r.id === '1' || r.id === '2'),
    },
    Product: {
      __resolveReference: (ref: { upc: string }) => ({ upc: ref.upc }),
      reviews: (product: { upc: string }) => data.reviews.filter((r) => r.upc === product.upc),
    },
  },
} as const;

export const PEER_SUBGRAPHS = ['accounts', 'products', 'inventory', 'reviews'] as const;
export type PeerSubgraph = (typeof PEER_SUBGRAPHS)[number];

function schemaFor(name: PeerSubgraph): GraphQLSchema {
  return buildSubgraphSchema([{ typeDefs: sdl(name), resolvers: resolvers[name] as never }]);
}

/** Parsed-and-validated documents, by query text: the gateway sends the same few over and over. */
function documentCache(schema: GraphQLSchema) {
  const cache = new Map<string, DocumentNode | Error>();
  return (query: string): DocumentNode | Error => {
    let doc = cache.get(query);
    if (!doc) {
      try {
        const parsed = parse(query);
        const errors = validate(schema, parsed);
        doc = errors.length ? new Error(errors.map((e) => e.message).join('; ')) : parsed;
      } catch (e) {
        doc = e as Error;
      }
      if (cache.size < 1000) cache.set(query, doc);
    }
    return doc;
  };
}

export function startPeerSubgraph(name: PeerSubgraph, port: number): Promise<Server> {
  const schema = schemaFor(name);
  const documentFor = documentCache(schema);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      let payload: string;
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const doc = documentFor(body.query);
        if (doc instanceof Error) throw doc;
        const result = await execute({ schema, document: doc, variableValues: body.variables, operationName: body.operationName });
        payload = JSON.stringify(result);
      } catch (e) {
        payload = JSON.stringify({ errors: [{ message: (e as Error).message }] });
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
    });
  });
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--ports');
  const ports = i > 0 ? process.argv[i + 1].split(',').map(Number) : [4301, 4302, 4303, 4304];
  if (ports.length !== PEER_SUBGRAPHS.length || !ports.every((p) => Number.isInteger(p) && p > 0 && p < 65536)) {
    console.error(`--ports: expected ${PEER_SUBGRAPHS.length} ports (${PEER_SUBGRAPHS.join(', ')}), got ${process.argv[i + 1]}`);
    process.exit(2);
  }
  const only = process.argv.includes('--only') ? (process.argv[process.argv.indexOf('--only') + 1] as PeerSubgraph) : null;
  const names = only ? [only] : PEER_SUBGRAPHS;
  await Promise.all(names.map((n) => startPeerSubgraph(n, ports[PEER_SUBGRAPHS.indexOf(n)])));
  console.log(`peer subgraphs listening on 127.0.0.1:${names.map((n) => ports[PEER_SUBGRAPHS.indexOf(n)]).join(',')}`);
}
