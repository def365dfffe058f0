// A file keel carries in its own bundle (imported as text or as a file, so the
// single binary has it too), answered with its content type and a short cache
// lifetime.

export function staticAsset(body: string | Blob, contentType: string) {
  return () =>
    new Response(body, {
      headers: { "content-type": contentType, "cache-control": "public, max-age=300" },
    });
}

export const JAVASCRIPT = "text/javascript; charset=utf-8";
export const CSS = "text/css; charset=utf-8";
