/**
 * GraphiQL in a real browser: Debian's Chromium (headless, no downloads) driven by
 * playwright-core against the whole system (stand-ins, three regional subgraphs, the
 * gateway). Opens the page without a token (hint shown); runs every saved example tab
 * as it opens, with each demo role it is for picked from the dev-token panel (the first
 * example's result is kept as a screenshot: test-results/browser/); enters an investigator's
 * token and runs a cross-region query, picks the patrol officer's demo token and sees
 * contact details nulled with FORBIDDEN errors, and checks that the page loaded nothing
 * from anywhere but 127.0.0.1 and broke no Content-Security-Policy rule.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { Kind, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintDevToken } from '../../gateway/auth/dev-key.ts';
import { buildGraphiql } from '../../gateway/graphiql/build.ts';
import { examples, type Example } from '../../gateway/graphiql/app/examples.ts';
import { readDemoValues } from '../../gateway/graphiql/demo-values.ts';
import { seedData, startSystem, type System } from '../support/system.ts';
import { issueJsNotice, liveGauge, waitFor } from '../support/live.ts';

const CHROMIUM = '/usr/bin/chromium';
/** Test artefacts (git-ignored): what the analyst sees, for a look after the run. */
const ARTEFACTS = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-results', 'browser');
const FIRST_EXAMPLE_SCREENSHOT = join(ARTEFACTS, 'graphiql-first-example.png');
const SCREENSHOT = join(ARTEFACTS, 'graphiql-patrol-contact-forbidden.png');
const available = existsSync(CHROMIUM);
if (!available) console.warn(`SKIPPED tests/browser/graphiql.test.ts: ${CHROMIUM} is absent (apt-get install -y chromium)`);

const PERSON_QUERY = `query CrossRegionPerson($idNumber: String!) {
  person(idNumber: $idNumber) { idNumber regions records { id region name } }
}`;

/** Contact details need scope person:contact, which a patrol officer does not have. */
const CONTACT_QUERY = `query PersonContact($idNumber: String!) {
  person(idNumber: $idNumber) { idNumber records { id region name address phone } }
}`;

describe.skipIf(!available)('GraphiQL in Chromium', () => {
  let system: System;
  let dataDir: string;
  let profileDir: string;
  let browser: BrowserContext;
  let page: Page;
  const requests: string[] = [];
  const cspViolations: string[] = [];

  beforeAll(async () => {
    // The page is served from the build output, as `npm start` does after `npm run build`.
    await buildGraphiql();
    mkdirSync(ARTEFACTS, { recursive: true });
    dataDir = await seedData();
    // Anonymous callers refused, as in production: the page must cope with the 401.
    system = await startSystem({ dataDir, gatewayConfig: { allowAnonymous: false } });
    profileDir = mkdtempSync(join(tmpdir(), 'liandong-chromium-'));
    // A persistent context is how playwright passes the temporary --user-data-dir.
    browser = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = await browser.newPage();
    // Playwright waits forever for a missing element by default; fail the test instead.
    page.setDefaultTimeout(15_000);
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => {
      if (/Content[- ]Security[- ]Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await page.goto(system.gatewayUrl, { waitUntil: 'networkidle' });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('is served with a strict Content-Security-Policy and no inline script', async () => {
    const response = await fetch(system.gatewayUrl, { headers: { accept: 'text/html' } });
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await response.text();
    expect(html).not.toMatch(/<script(?![^>]*\b(src=|type="application\/json"))[^>]*>/);
  });

  it('without a token, says where to paste one', async () => {
    await expect.poll(() => page.locator('.liandong-banner').textContent(), { timeout: 15_000 }).toContain('Bearer <token>');
  });

  it('the first tab runs as it opens once the demo role it is for is picked, and shows data without errors', async () => {
    const first = demoExamples(dataDir)[0];
    await pickRole(page, first.roles[0]);
    const result = await runAsIs(page);
    await page.screenshot({ path: FIRST_EXAMPLE_SCREENSHOT });
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    expect(result.data.person.idNumber).toMatch(/^\d{17}[\dX]$/);
    expect(result.data.person.regions).toEqual(expect.arrayContaining(['JS', 'GZ', 'HB']));
    expect(existsSync(FIRST_EXAMPLE_SCREENSHOT)).toBe(true);
  });

  it('every saved example tab opens with its variables and X-Purpose, and runs without errors for each demo role it names', async () => {
    const saved = demoExamples(dataDir);
    expect(await page.locator('.graphiql-tab-button').count()).toBe(saved.length);
    for (const [i, example] of saved.entries()) {
      await page.locator('.graphiql-tab-button').nth(i).click();
      expect(JSON.parse(await editorText(page, 'variables'))).toEqual(example.variables);
      // A subscription example is a stream: it answers only when something happens (tests/live/ covers its events).
      if (/^subscription\b/m.test(example.query)) continue;
      for (const role of example.roles) {
        await pickRole(page, role);
        expect(JSON.parse(await editorText(page, 'headers'))['X-Purpose']).toBe(example.purpose);
        const result = await runAsIs(page, firstOperationOf(example));
        expect(result.errors, `${example.title} as ${role}: ${JSON.stringify(result.errors)}`).toBeUndefined();
        for (const [field, value] of Object.entries(result.data)) expect(value, `${example.title} as ${role}: ${field}`).not.toBeNull();
      }
    }
  });

  it('an example opened from the Examples panel brings its X-Purpose and keeps the token picked', async () => {
    const kase = demoExamples(dataDir).find((e) => e.title === 'Case → suspects → vehicles')!;
    await pickRole(page, 'investigator');
    await page.locator('button[aria-label="Show Examples"]').click();
    await expect.poll(() => page.locator('.liandong-panel').textContent()).toContain('For: investigator');
    await page.locator('button.liandong-example', { hasText: kase.title }).click();
    const headers = JSON.parse(await editorText(page, 'headers'));
    expect(headers['X-Purpose']).toBe(`investigation; case=${system.scenarios.crossRegionCase.caseId}`);
    expect(headers.Authorization).toMatch(/^Bearer ey/);
    const result = await runAsIs(page);
    expect(result.errors).toBeUndefined();
    // Every region's records of the parties (contact details need an answered assistance request, #14).
    expect(new Set(result.data.case.parties.flatMap((p: any) => p.person.records).map((r: any) => r.region)).size).toBeGreaterThan(1);
  });

  it('with an investigator token, runs a cross-region query and shows data from three regions', async () => {
    const token = await mintDevToken(join(system.configDir, 'keys'), {
      sub: 'JS-TEST-INV',
      region: 'JS',
      roles: ['investigator'],
      ttlSeconds: 600,
    });
    await setHeaders(page, { Authorization: `Bearer ${token}`, 'X-Purpose': 'patrol-check: browser test' });
    await page.locator('button[aria-label="Re-fetch GraphQL schema"]').click();
    await expect.poll(() => page.locator('.liandong-banner').count(), { timeout: 15_000 }).toBe(0);
    const result = await run(page, PERSON_QUERY, { idNumber: system.scenarios.personInAllRegions.idNumber });
    expect(result.errors).toBeUndefined();
    expect(result.data.person.regions).toEqual(expect.arrayContaining(['JS', 'GZ', 'HB']));
    expect(new Set(result.data.person.records.map((r: { region: string }) => r.region))).toEqual(new Set(['JS', 'GZ', 'HB']));
    // What the regions answered is in the response the analyst sees.
    expect(result.extensions.regions.map((r: { region: string }) => r.region)).toEqual(expect.arrayContaining(['JS', 'GZ', 'HB']));
  });

  it('subscribes over SSE with the same headers: a wanted notice written in JS shows in the response pane', async () => {
    // The investigator's headers from the test above are still in the tab.
    const { idNumber } = system.scenarios.personInAllRegions;
    await replaceEditorText(
      page,
      '.graphiql-query-editor .CodeMirror',
      'subscription Watch($ids: [String!]) { watch(idNumbers: $ids) { id kind region recordId person { wanted } } }',
    );
    await page.locator('.graphiql-editor-tools button[data-name="variables"]').click();
    await replaceEditorText(page, '.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror', JSON.stringify({ ids: [idNumber] }));
    await page.locator('.graphiql-execute-button').click();
    await waitFor(async () => (await liveGauge(system.gatewayUrl)) >= 1, 15_000);
    issueJsNotice(dataDir, 'W-BROWSER-1', idNumber);
    await expect.poll(() => responseText(page), { timeout: 15_000 }).toContain('JS:W-BROWSER-1');
    const event = JSON.parse(await responseText(page));
    expect(event.data.watch).toMatchObject({ kind: 'WANTED_NOTICE', region: 'JS', person: { wanted: true } });
    // Running, the button stops the subscription.
    await page.locator('.graphiql-execute-button').click();
    await waitFor(async () => (await liveGauge(system.gatewayUrl)) === 0, 15_000);
  });

  it("shows each field's scope requirement in the docs explorer", async () => {
    await page.locator('button[aria-label="Show Documentation Explorer"]').click();
    await page.locator('.graphiql-doc-explorer-search input').fill('PersonRecord');
    await page.locator('.graphiql-doc-explorer-search [role="option"]', { hasText: 'PersonRecord' }).first().click();
    const docs = page.locator('.graphiql-doc-explorer-content');
    await expect.poll(() => docs.textContent(), { timeout: 10_000 }).toContain('Requires: authentication; scope person:read');
    await docs.getByText('address', { exact: true }).first().click();
    await expect.poll(() => docs.textContent()).toContain('scope person:contact');
  });

  it('the docs of searchPersons say what the smallest valid search is, and what it requires', async () => {
    // Back from the field page the previous test opened, to where the docs can be searched.
    const search = page.locator('.graphiql-doc-explorer-search input');
    for (let i = 0; i < 5 && !(await search.isVisible()); i++) await page.locator('.graphiql-doc-explorer-back').click();
    await search.fill('searchPersons');
    await page.locator('.graphiql-doc-explorer-search [role="option"]', { hasText: 'searchPersons' }).first().click();
    const docs = page.locator('.graphiql-doc-explorer-content');
    await expect.poll(() => docs.textContent(), { timeout: 10_000 }).toMatch(/The\s+smallest valid search sets one field/);
    expect(await docs.textContent()).toContain('searchPersons(filter: { name: "張*" })');
    expect(await docs.textContent()).toContain('scope person:read');
  });

  it('opens a saved example from the Examples panel', async () => {
    await page.locator('button[aria-label="Show Examples"]').click();
    await page.locator('button.liandong-example', { hasText: 'Vehicle by plate' }).click();
    const query = await page
      .locator('.graphiql-query-editor .CodeMirror')
      .evaluate((el) => (el as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue());
    expect(query).toContain('query VehicleByPlate($plate: String!)');
  });

  it("with the patrol officer's demo token, contact details are nulled with FORBIDDEN errors", async () => {
    await pickRole(page, 'patrol-officer');
    const result = await run(page, CONTACT_QUERY, { idNumber: system.scenarios.personInAllRegions.idNumber });
    await page.screenshot({ path: SCREENSHOT });
    expect(result.data.person.records.length).toBeGreaterThanOrEqual(3);
    for (const record of result.data.person.records) {
      expect(record.name).toEqual(expect.any(String));
      expect(record.address).toBeNull();
      expect(record.phone).toBeNull();
    }
    const forbidden = result.errors.filter((e: any) => e.extensions?.code === 'FORBIDDEN');
    expect(forbidden.map((e: any) => e.path.at(-1))).toEqual(expect.arrayContaining(['address', 'phone']));
  });

  it("the case example, with its X-Purpose and the investigator's demo token, shows the case parties' records in every region", async () => {
    const example = demoExamples(dataDir).find((e) => e.title === 'Case → suspects → vehicles')!;
    expect(example.variables.caseId).toBe(system.scenarios.crossRegionCase.caseId);
    await page.locator('button[aria-label="Show Examples"]').click();
    await expect
      .poll(() => page.locator('.liandong-panel').textContent())
      .toContain(`Token: ${system.scenarios.crossRegionCase.officers[0]}`);
    await setHeaders(page, { 'X-Purpose': example.purpose });
    await pickRole(page, 'investigator');
    const result = await run(page, example.query, example.variables);
    expect(result.errors).toBeUndefined();
    const records = result.data.case.parties.flatMap((p: any) => p.person.records);
    expect(new Set(records.map((r: any) => r.region)).size).toBeGreaterThan(1);
  });

  it('asked nothing of any host but 127.0.0.1 and broke no CSP rule', () => {
    expect(requests.length).toBeGreaterThan(3);
    const elsewhere = requests.filter((url) => !url.startsWith('data:') && new URL(url).hostname !== '127.0.0.1');
    expect(elsewhere).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});

/** The saved examples as the page builds them from this data directory's demo values. */
function demoExamples(dataDir: string): Example[] {
  const values = readDemoValues(join(dataDir, 'scenarios.json'));
  expect(values).not.toBeNull();
  return examples(values);
}

/** Puts a demo role's token into the current tab's headers through the dev-token panel. */
async function pickRole(page: Page, role: string): Promise<void> {
  const button = page.locator(`button.liandong-role[data-role="${role}"]`);
  // The sidebar button toggles: pressed while its panel shows, it would hide it.
  if (!(await button.isVisible())) await page.locator('button[aria-label="Show Demo tokens"]').click();
  await button.click();
}

/** The headers or variables editor's text in the current tab. */
async function editorText(page: Page, tool: 'headers' | 'variables'): Promise<string> {
  await page.locator(`.graphiql-editor-tools button[data-name="${tool}"]`).click();
  return page
    .locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror')
    .evaluate((el) => (el as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue());
}

/** The first operation's name when a tab holds several (a workflow, run step by step), else null. */
function firstOperationOf(example: Example): string | null {
  const operations = parse(example.query).definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  return operations.length > 1 ? (operations[0].name?.value ?? null) : null;
}

/**
 * Presses Run on the current tab as it stands, and returns the response pane's JSON once it
 * changes. A tab holding several operations asks which to run (GraphiQL's menu under Run):
 * `operation` picks one there, as an analyst following the example's comment does.
 */
async function runAsIs(page: Page, operation: string | null = null): Promise<any> {
  const before = await responseText(page);
  await page.locator('.graphiql-execute-button').click();
  if (operation) await page.locator('.graphiql-dropdown-content [role="menuitem"]', { hasText: operation }).first().click();
  await expect
    .poll(
      async () => {
        const text = await responseText(page);
        return text !== before && text.trim().startsWith('{');
      },
      { timeout: 15_000 },
    )
    .toBe(true);
  return JSON.parse(await responseText(page));
}

/** Replaces the headers editor's text the way a paste does. */
async function setHeaders(page: Page, headers: Record<string, string>): Promise<void> {
  await page.locator('.graphiql-editor-tools button[data-name="headers"]').click();
  await replaceEditorText(page, '.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror', JSON.stringify(headers, null, 2));
}

async function replaceEditorText(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector).click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(text);
}

/** Types the query and variables, presses Run, and returns the response pane's JSON once it changes. */
async function run(page: Page, query: string, variables: Record<string, unknown>): Promise<any> {
  await replaceEditorText(page, '.graphiql-query-editor .CodeMirror', query);
  await page.locator('.graphiql-editor-tools button[data-name="variables"]').click();
  await replaceEditorText(page, '.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror', JSON.stringify(variables));
  return runAsIs(page);
}

/** The response pane's text, from its CodeMirror (the DOM holds only the visible lines). */
function responseText(page: Page): Promise<string> {
  return page
    .locator('.graphiql-response .CodeMirror')
    .evaluate((el) => (el as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue());
}
