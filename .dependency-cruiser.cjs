/**
 * The import rules of Liandong's top-level folders (docs/architecture.md, "Import rules").
 * `npm run deps` prints violations; tests/architecture/imports.test.ts fails `npm test` on any.
 *
 * Test code may import anything: `tests/`, `bench/`, and the `*.test.ts` files beside the
 * code (they start stand-ins and cross-check servers). Everything else is product code.
 */
const TEST_FILE = '\\.test\\.tsx?$';
const PRODUCT = '^(common|schema|gateway|subgraphs|adapters|scripts|docker)/';
/** The gateway's concern folders: each wired by one factory that gateway/plugins/index.ts orders. */
const CONCERNS = 'auth|authorisation|limits|audit|cache|metrics|disclosure|trusted-documents|tracing|logging|graphiql|operations|live';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'common-stands-alone',
      comment: 'common/ is the floor both servers stand on: it imports only node, npm packages and schema/.',
      severity: 'error',
      from: { path: '^common/', pathNot: TEST_FILE },
      to: { path: '^(gateway|subgraphs|adapters|standins|bench|tests|scripts|docker)/' },
    },
    {
      name: 'schema-stands-alone',
      comment: 'schema/ (the contract and the policy) imports nothing of the project.',
      severity: 'error',
      from: { path: '^schema/', pathNot: TEST_FILE },
      to: { path: '^(common|gateway|subgraphs|adapters|standins|bench|tests|scripts|docker)/' },
    },
    {
      name: 'gateway-not-subgraphs',
      comment: 'The gateway and the regional subgraph server share only common/ and schema/.',
      severity: 'error',
      from: { path: '^gateway/', pathNot: TEST_FILE },
      to: { path: '^subgraphs/' },
    },
    {
      name: 'subgraphs-not-gateway',
      comment: 'The gateway and the regional subgraph server share only common/ and schema/.',
      severity: 'error',
      from: { path: '^subgraphs/', pathNot: TEST_FILE },
      to: { path: '^gateway/' },
    },
    {
      name: 'gateway-not-adapters',
      comment: 'The gateway never sees an adapter: normalisation and ChangeEvent are on common/.',
      severity: 'error',
      from: { path: '^gateway/', pathNot: TEST_FILE },
      to: { path: '^adapters/' },
    },
    {
      name: 'subgraphs-adapters-through-interface',
      comment: 'The subgraph server knows adapters only through the adapter interface and the loader.',
      severity: 'error',
      from: { path: '^subgraphs/', pathNot: TEST_FILE },
      to: { path: '^adapters/', pathNot: '^adapters/(adapter|load)\\.ts$' },
    },
    {
      name: 'adapters-stand-on-common',
      comment: 'An adapter imports common/ (and adapters/adapter.ts, support/, conformance/), never a server.',
      severity: 'error',
      from: { path: '^adapters/', pathNot: TEST_FILE },
      to: { path: '^(gateway|subgraphs|scripts|docker)/' },
    },
    {
      name: 'product-not-test-code',
      comment:
        'Product code never imports the stand-ins (the outside world), the bench or the tests. One exception: ' +
        "scripts/start.ts, the demo's launcher, starts the stand-ins and reseeds their data when the generator's " +
        'layout version (DATA_LAYOUT_VERSION) is newer than what was seeded.',
      severity: 'error',
      from: { path: PRODUCT, pathNot: [TEST_FILE, '^scripts/start\\.ts$'] },
      to: { path: '^(standins|bench|tests)/' },
    },
    {
      name: 'standins-outside-the-product',
      comment:
        'The stand-ins are the outside world: they may use common/ (normalisation) and the record types of the adapter ' +
        'interface (adapters/adapter.ts), never a server, an adapter, the scripts or the bench.',
      severity: 'error',
      from: { path: '^standins/', pathNot: TEST_FILE },
      to: { path: '^(gateway|subgraphs|scripts|bench|docker|adapters/(?!adapter\\.ts$))' },
    },
    {
      name: 'gateway-plugins-only-ordered-by-the-server',
      comment: 'gateway/plugins/index.ts only orders the concerns; only gateway/server.ts imports it.',
      severity: 'error',
      from: { path: '^gateway/', pathNot: ['^gateway/server\\.ts$', '^gateway/plugins/', TEST_FILE] },
      to: { path: '^gateway/plugins/' },
    },
    {
      name: 'gateway-concern-not-another-concerns-wiring',
      comment:
        "A gateway concern's wiring (its folder's index.ts factory) is called by plugins/index.ts, never by another concern " +
        "(plugins/index.ts also lists the own subgraph's modules, so own-subgraph/ imports no concern's wiring).",
      severity: 'error',
      from: { path: '^gateway/([^/]+)/', pathNot: ['^gateway/plugins/', TEST_FILE] },
      to: { path: '^gateway/(auth|authorisation|limits|audit|cache|metrics|live)/index\\.ts$', pathNot: '^gateway/$1/' },
    },
    {
      name: 'gateway-concerns-apart',
      comment:
        'A gateway concern folder never imports the parts of another concern: what two concerns share lives on ' +
        "common/, in the gateway's shared modules (gateway/*.ts), or in the engine they both plug into (federation/). " +
        "Known exceptions: audit/refusals.ts counts limits' refusals (it shares the limits' per-address counter and " +
        "codes); graphiql/ shows the dev key and authorisation's requirements (a development page that documents both).",
      severity: 'error',
      from: {
        path: `^gateway/(${CONCERNS})/`,
        pathNot: [TEST_FILE, '^gateway/audit/refusals\\.ts$', '^gateway/graphiql/(graphiql|requirement-docs)\\.ts$'],
      },
      to: { path: `^gateway/(${CONCERNS})/`, pathNot: '^gateway/$1/' },
    },
    {
      name: 'gateway-federation-below-the-concerns',
      comment:
        'federation/ (composition, data sources, merge) is the engine the concerns plug into: it declares what it ' +
        'consults (e.g. data-sources/types.ts RegionRequestCache, which the cache implements) and imports no concern. ' +
        "Known exception: supergraph.ts reads the supergraph's authorisation directives with authorisation/'s reader.",
      severity: 'error',
      from: { path: '^gateway/federation/', pathNot: [TEST_FILE, '^gateway/federation/supergraph\\.ts$', '/fixtures/'] },
      to: { path: `^gateway/(${CONCERNS})/` },
    },
    {
      name: 'gateway-layers-below-the-concerns',
      comment:
        'http/ (the node-HTTP layer every request crosses) and own-subgraph/ (the in-process subgraph the concerns ' +
        "add modules to) import no concern: what they need is handed in (the limits' maxVariablesDepth is a " +
        "graphqlHandler option; plugins/index.ts lists the own subgraph's modules).",
      severity: 'error',
      from: { path: '^gateway/(http|own-subgraph)/', pathNot: TEST_FILE },
      to: { path: `^gateway/(${CONCERNS})/` },
    },
    {
      name: 'gateway-registry-above-federation',
      comment:
        'federation/ declares the region directory it reads (data-sources/types.ts RegionDirectory, the contract parts ' +
        'from schema/); registry/ implements it and uses the composition, so federation/ never imports registry/.',
      severity: 'error',
      from: { path: '^gateway/federation/', pathNot: TEST_FILE },
      to: { path: '^gateway/registry/' },
    },
    {
      name: 'gateway-cursors-below-federation',
      comment:
        "cursors/ owns a search cursor's layout (composite-position.ts) and its sealing; the search data source and " +
        'the merge use them, so cursors/ never imports federation/.',
      severity: 'error',
      from: { path: '^gateway/cursors/', pathNot: TEST_FILE },
      to: { path: '^gateway/federation/' },
    },
    {
      name: 'gateway-config-assembled-above-the-concerns',
      comment:
        'config/ is two layers. Its floor (check.ts validators, section.ts, json-file.ts) is what each concern writes ' +
        "its own section with; its assembly (sections.ts's list and GatewayConfig, load.ts, core.ts) gathers every " +
        'section. A gateway folder imports only the floor (the server, main.ts and services.ts hold the assembled config).',
      severity: 'error',
      from: { path: '^gateway/(?!config/)[^/]+/', pathNot: TEST_FILE },
      to: { path: '^gateway/config/(sections|load|core)\\.ts$' },
    },
    {
      name: 'gateway-config-floor-stands-alone',
      comment: "config/'s floor (check.ts, section.ts, json-file.ts) imports nothing else of the gateway.",
      severity: 'error',
      from: { path: '^gateway/config/(check|section|json-file)\\.ts$' },
      to: { path: '^gateway/(?!config/(check|section|json-file)\\.ts$)' },
    },
    {
      name: 'gateway-authorisation-not-federation',
      comment:
        "federation/supergraph.ts reads the supergraph's authorisation directives with authorisation/'s reader, so " +
        'authorisation/ never imports federation/ (the executor seam both use is gateway/executor-wrapper.ts).',
      severity: 'error',
      from: { path: '^gateway/authorisation/', pathNot: TEST_FILE },
      to: { path: '^gateway/federation/' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles in product code (within a gateway concern folder or between them).',
      severity: 'error',
      from: { path: PRODUCT, pathNot: TEST_FILE },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|\\.data|dist|bench/results)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
