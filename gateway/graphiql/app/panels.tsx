/**
 * The page's own sidebar panels (GraphiQL plugins): the saved examples, and in
 * development mode a demo-role picker that puts that role's token in the headers.
 */
import { useEffect, useState } from 'react';
import {
  useEditorContext,
  useHeadersEditorState,
  useOperationsEditorState,
  useSchemaStore,
  useVariablesEditorState,
  type GraphiQLPlugin,
} from '@graphiql/react';
import type { DemoToken } from '../page-config.ts';
import { PLACEHOLDER_HINT, variablesText, withPurpose, type Example } from './examples.ts';
import { TOKEN_HINT } from './fetcher.ts';

interface ExamplesPanelOptions {
  development: boolean;
  /** The examples hold placeholders (no demo data, or production). */
  placeholders: boolean;
}

function ExamplesPanel({ examples, options }: { examples: readonly Example[]; options: ExamplesPanelOptions }) {
  const [, setOperations] = useOperationsEditorState();
  const [, setVariables] = useVariablesEditorState();
  const [headers, setHeaders] = useHeadersEditorState();
  const editor = useEditorContext();
  const open = (example: Example) => {
    setOperations(example.query);
    // GraphiQL learns the new text's operation name only after its debounced edit
    // handler; a Run before that would send the previous tab's name with the new text
    // (refused: "names no operation in the document"). Name the example's operation now.
    const name = /^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/m.exec(example.query)?.[1];
    if (name) editor?.setOperationName(name);
    setVariables(variablesText(example));
    // The example's purpose replaces the tab's; the token already there stays.
    setHeaders(withPurpose(headers, example, options.development));
  };
  return (
    <section className="liandong-panel">
      <div className="graphiql-doc-explorer-title">Examples</div>
      {options.placeholders ? <p className="liandong-hint liandong-placeholder-hint">{PLACEHOLDER_HINT}</p> : null}
      <ul>
        {examples.map((example) => (
          <li key={example.title}>
            <button type="button" className="liandong-example" onClick={() => open(example)}>
              {example.title}
            </button>
            <div className="liandong-hint liandong-example-roles">For: {example.roles.join(', ')}</div>
            <div className="liandong-hint">X-Purpose: {example.purpose}</div>
            {example.officer ? <div className="liandong-hint">Token: {example.officer}</div> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Replaces the Authorization header, keeping the others (the purpose) as typed. */
function withToken(headersText: string, token: string): string {
  let headers: Record<string, unknown> = {};
  try {
    headers = JSON.parse(headersText || '{}') as Record<string, unknown>;
  } catch {
    // Unparsable headers are replaced wholesale rather than lost silently: the token is what was asked for.
  }
  for (const name of Object.keys(headers)) if (name.toLowerCase() === 'authorization') delete headers[name];
  return JSON.stringify({ Authorization: `Bearer ${token}`, ...headers }, null, 2);
}

function DemoTokensPanel({ path }: { path: string }) {
  const [tokens, setTokens] = useState<DemoToken[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [headers, setHeaders] = useHeadersEditorState();
  const introspect = useSchemaStore((s) => s.introspect);
  useEffect(() => {
    fetch(path)
      .then(async (r) => {
        if (!r.ok) throw new Error(`GET ${path} answered ${r.status}`);
        setTokens((await r.json()) as DemoToken[]);
      })
      .catch((e: Error) => setError(e.message));
  }, [path]);
  const pick = (t: DemoToken) => {
    setHeaders(withToken(headers, t.token));
    // The schema needs a token: fetch it now that there is one.
    setTimeout(() => void introspect(), 0);
  };
  return (
    <section className="liandong-panel">
      <div className="graphiql-doc-explorer-title">Demo tokens</div>
      <p className="liandong-hint">Development mode only: puts a demo officer's token in the Authorization header.</p>
      {error && <p className="liandong-error">{error}</p>}
      <ul>
        {(tokens ?? []).map((t) => (
          <li key={t.role}>
            <button type="button" className="liandong-role" data-role={t.role} onClick={() => pick(t)}>
              {t.role}
            </button>
            <span className="liandong-hint">
              {' '}
              {t.sub} ({t.region})
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function ListIcon() {
  return (
    <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
      <path fill="currentColor" d="M4 6h16v2H4zm0 5h16v2H4zm0 5h16v2H4z" />
    </svg>
  );
}

function KeyIcon() {
  return (
    <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
      <path fill="currentColor" d="M7 14a2 2 0 1 1 0-4 2 2 0 0 1 0 4zm5.6-4A6 6 0 1 0 12.6 14H16v3h3v-3h2v-4z" />
    </svg>
  );
}

export function examplesPlugin(examples: readonly Example[], options: ExamplesPanelOptions): GraphiQLPlugin {
  return { title: 'Examples', icon: ListIcon, content: () => <ExamplesPanel examples={examples} options={options} /> };
}

export function demoTokensPlugin(path: string): GraphiQLPlugin {
  return { title: 'Demo tokens', icon: KeyIcon, content: () => <DemoTokensPanel path={path} /> };
}

/** Shown above the editors while the schema cannot be fetched for lack of a token. */
export function TokenBanner() {
  const fetchError = useSchemaStore((s) => s.fetchError);
  if (!fetchError || !/UNAUTHENTICATED|401|needs a token/.test(fetchError)) return null;
  return (
    <div className="liandong-banner" role="alert">
      No schema yet. {TOKEN_HINT}
    </div>
  );
}
