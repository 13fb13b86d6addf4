/** Reads one labelled sample from a process's Prometheus /metrics text. */
export async function metricSample(baseUrl: string, name: string, labels: Record<string, string>): Promise<number | null> {
  const text = await (await fetch(new URL('/metrics', baseUrl))).text();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)));
  return line ? Number(line.split(' ').pop()) : null;
}
