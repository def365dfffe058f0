// The OpenAPI document (`/docs/json`, from @elysiajs/swagger) and Swagger UI
// (`/docs`), whose script and styles keel serves itself from swagger-ui-dist
// (imported into the bundle, so the single binary carries them): the page
// works offline and nothing comes from a CDN.
//
// The plugin's own page writes unpkg's URL for Swagger UI's script with no
// option to change it, so keel renders the page itself and leaves the
// plugin's at /docs/cdn (hidden from the document).

import { swagger } from "@elysiajs/swagger";
import { Elysia } from "elysia";
import swaggerUiCssFile from "swagger-ui-dist/swagger-ui.css" with { type: "text" };
import swaggerUiJsFile from "swagger-ui-dist/swagger-ui-bundle.js" with { type: "file" };
import { CSS, JAVASCRIPT, staticAsset } from "./static-asset.ts";

const SPEC_PATH = "/docs/json";
const SCRIPT_PATH = "/docs/swagger-ui-bundle.js";
const STYLESHEET_PATH = "/docs/swagger-ui.css";

const INFO = {
  title: "keel",
  version: "0.1.0",
  description: "Serve, monitor, retrain and hot-swap a tabular model in one process.",
};

// The script as a file, not text: it holds characters beyond Latin-1, so as a
// string Bun would embed it as UTF-16, twice its 1.7 MB.
const swaggerUiJs = Bun.file(swaggerUiJsFile);
// The stylesheet names a source map keel does not serve; without the comment a
// browser's developer tools do not ask for it (and log a 404).
const swaggerUiCss = swaggerUiCssFile.replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*$/, "");

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${INFO.title} API</title>
  <link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${SCRIPT_PATH}"></script>
  <script>
    window.onload = () => {
      window.ui = SwaggerUIBundle({ url: "${SPEC_PATH}", dom_id: "#swagger-ui" });
    };
  </script>
</body>
</html>
`;

export function docsRoutes() {
  return new Elysia({ name: "docs" })
    .use(
      swagger({
        path: "/docs/cdn",
        specPath: SPEC_PATH,
        provider: "swagger-ui",
        documentation: {
          info: INFO,
          components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
        },
      }),
    )
    .get("/docs", staticAsset(PAGE, "text/html; charset=utf-8"), { detail: { hide: true } })
    .get(SCRIPT_PATH, staticAsset(swaggerUiJs, JAVASCRIPT), { detail: { hide: true } })
    .get(STYLESHEET_PATH, staticAsset(swaggerUiCss, CSS), { detail: { hide: true } });
}
