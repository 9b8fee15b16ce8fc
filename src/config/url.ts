// The one rule for every address the tool adds paths to or links from: --url, GRAFANA_URL,
// --logzio-api-url, a config target's url, alerts' --grafana-url.

/** Why a text is not a base address the API's paths can be added to, or undefined when it is one. */
export function baseUrlProblem(value: string): string | undefined {
  if (/[\u0000-\u0020\u007f-\u009f]/.test(value)) return 'a URL has no spaces, line breaks or control characters';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'not a URL; give one like https://grafana.example.com';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'use an http:// or https:// URL';
  if (url.username || url.password) return 'remove the credentials from the URL; use GRAFANA_TOKEN, or GRAFANA_USER and GRAFANA_PASSWORD';
  // The API's paths are added after the address: a query or fragment would end up inside them.
  if (url.search || url.hash || value.includes('?') || value.includes('#')) return 'no query ("?…") or fragment ("#…"): the API\'s paths are added to this address';
  return undefined;
}
