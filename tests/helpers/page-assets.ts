// The scripts and stylesheets an HTML page loads, and whether the server that
// sent the page also serves each of them (same origin, 200, the right content
// type): what "works offline" means for keel's own pages.

export interface PageAsset {
  kind: "script" | "stylesheet";
  url: string;
}

export interface ServedAsset extends PageAsset {
  status: number;
  contentType: string;
  bytes: number;
}

const EXPECTED_TYPE = { script: "text/javascript", stylesheet: "text/css" } as const;

/** Every `<script src>` and `<link rel="stylesheet" href>` of `html`, resolved against `pageUrl`. */
export function pageAssets(html: string, pageUrl: string): PageAsset[] {
  const assets: PageAsset[] = [];
  for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) {
    const src = attribute(tag, "src");
    if (src !== undefined) assets.push({ kind: "script", url: new URL(src, pageUrl).href });
  }
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
    const rel = attribute(tag, "rel")?.toLowerCase().split(/\s+/) ?? [];
    const href = attribute(tag, "href");
    if (rel.includes("stylesheet") && href !== undefined)
      assets.push({ kind: "stylesheet", url: new URL(href, pageUrl).href });
  }
  return assets;
}

function attribute(tag: string, name: string): string | undefined {
  const match = tag.match(new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, "i"));
  return match ? (match[1] ?? match[2] ?? match[3]) : undefined;
}

/**
 * Fetches the page at `pageUrl` and each asset it names. Throws when an asset
 * lives on another origin (the page would need the network); otherwise gives
 * what each asset answered, for the caller to check.
 */
export async function fetchPageAssets(pageUrl: string): Promise<ServedAsset[]> {
  const page = await fetch(pageUrl);
  if (page.status !== 200) throw new Error(`${pageUrl} answered ${page.status}`);
  const origin = new URL(pageUrl).origin;
  const assets = pageAssets(await page.text(), pageUrl);
  const elsewhere = assets.filter((a) => new URL(a.url).origin !== origin);
  if (elsewhere.length > 0)
    throw new Error(`${pageUrl} loads from elsewhere: ${elsewhere.map((a) => a.url).join(", ")}`);
  return Promise.all(
    assets.map(async (asset) => {
      const response = await fetch(asset.url);
      const body = await response.arrayBuffer();
      const contentType = response.headers.get("content-type") ?? "";
      return { ...asset, status: response.status, contentType, bytes: body.byteLength };
    }),
  );
}

/** Whether a served asset is what its tag asks for: 200, its content type, not empty. */
export function servedRight(asset: ServedAsset): boolean {
  return (
    asset.status === 200 &&
    asset.contentType.startsWith(EXPECTED_TYPE[asset.kind]) &&
    asset.bytes > 0
  );
}
