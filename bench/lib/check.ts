/**
 * The response check that runs before any timing: a contender that answers wrongly is
 * not measured. Bytes are compared, not parsed values — except that a trailing
 * `extensions` member (Liandong returns `extensions.auditId` and region outcomes) is
 * allowed after the expected `data`, which must match byte for byte.
 */
export async function checkResponse(
  name: string,
  url: string,
  body: string,
  expected: string,
  headers: Record<string, string> = {},
): Promise<void> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const text = (await res.text()).trim();
  const want = expected.trim();
  const prefix = want.slice(0, -1); // `{"data":…` without the closing brace
  const ok = res.status === 200 && (text === want || (text.startsWith(prefix) && text.slice(prefix.length).startsWith(',"extensions":')));
  if (!ok) {
    const at = [...want].findIndex((ch, i) => text[i] !== ch);
    throw new Error(
      `${name} answered differently from the expected response (status ${res.status}, ${text.length} bytes vs ${want.length}, first difference at byte ${at}: ${JSON.stringify(text.slice(Math.max(0, at - 40), at + 40))})`,
    );
  }
}
