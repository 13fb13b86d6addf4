/**
 * The GraphiQL page's entry point, bundled by ../build.ts into /graphiql/app.js.
 * Reads the gateway's page config, then mounts GraphiQL with Liandong's fetcher,
 * default headers, example tabs and panels.
 */
import { setNonce } from 'get-nonce';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import './liandong.css';
import { PAGE_CONFIG_ELEMENT_ID, type PageConfig } from '../page-config.ts';
import { examples, headersText, variablesText } from './examples.ts';
import { gatewayFetcher } from './fetcher.ts';
import { demoTokensPlugin, examplesPlugin, TokenBanner } from './panels.tsx';
import { tabStorage, versionOf } from './tab-storage.ts';

function readConfig(): PageConfig {
  const element = document.getElementById(PAGE_CONFIG_ELEMENT_ID);
  if (!element?.textContent) throw new Error(`the page has no #${PAGE_CONFIG_ELEMENT_ID} config block`);
  return JSON.parse(element.textContent) as PageConfig;
}

/** Worked out once per page load: the tabs' storage must not change under GraphiQL. */
function prepare(config: PageConfig) {
  const development = config.mode === 'development';
  // Filled from the seeded demo data in development, placeholders otherwise.
  const saved = examples(config.demo);
  const examplesPanel = examplesPlugin(saved, { development, placeholders: config.demo === null });
  const plugins = config.devTokensPath ? [examplesPanel, demoTokensPlugin(config.devTokensPath)] : [examplesPanel];
  const tabs = saved.map((e) => ({ query: e.query, variables: variablesText(e), headers: headersText(e, development) }));
  return { saved, plugins, tabs, development, ...tabStorage(versionOf(JSON.stringify(tabs))) };
}

function App({ config, page }: { config: PageConfig; page: ReturnType<typeof prepare> }) {
  const { saved, plugins, tabs, development, storage, hasSavedTabs } = page;
  return (
    <GraphiQL
      fetcher={gatewayFetcher(config.graphqlPath)}
      storage={storage}
      // GraphiQL opens the first tab's editors with the `variables` prop, not with
      // defaultTabs[0].variables, so Run would send none; given on a first visit only,
      // since on a later one it would be matched against the restored tabs.
      variables={hasSavedTabs ? undefined : tabs[0].variables}
      defaultHeaders={headersText(saved[0], development)}
      // Each tab opens with its example's variables and X-Purpose: Run works once a token is in.
      defaultTabs={tabs}
      defaultEditorToolsVisibility="headers"
      shouldPersistHeaders={false}
      plugins={plugins}
      // Descriptions are where the gateway writes each field's scope requirement.
      schemaDescription
      inputValueDeprecation
    >
      <GraphiQL.Logo>Liandong{config.mode === 'development' ? ' · dev' : ''}</GraphiQL.Logo>
      <GraphiQL.Footer>
        <TokenBanner />
      </GraphiQL.Footer>
    </GraphiQL>
  );
}

const config = readConfig();
// The style elements GraphiQL's menus add carry this page load's CSP nonce (page.ts).
if (config.styleNonce) setNonce(config.styleNonce);
createRoot(document.getElementById('graphiql')!).render(<App config={config} page={prepare(config)} />);
