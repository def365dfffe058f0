// The OpenAPI document (`/docs/json`) and Swagger UI (`/docs`), the UI's script
// and styles served by keel itself from swagger-ui-dist (imported into the
// bundle, so the single binary carries them): the page works offline, nothing
// comes from a CDN.
//
// @elysiajs/openapi rather than @elysiajs/swagger: the latter writes unpkg's URL
// for Swagger UI's script into the page with no option to change it; the former
// takes the script's URL (`cdn`) and the stylesheet's (`theme`).

import { openapi } from "@elysiajs/openapi";
import { Elysia } from "elysia";
import swaggerUiCssFile from "swagger-ui-dist/swagger-ui.css" with { type: "text" };
import swaggerUiJsFile from "swagger-ui-dist/swagger-ui-bundle.js" with { type: "file" };
import { CSS, JAVASCRIPT, staticAsset } from "./static-asset.ts";

const SCRIPT_PATH = "/docs/swagger-ui-bundle.js";
const STYLESHEET_PATH = "/docs/swagger-ui.css";

// The script as a file, not text: it holds characters beyond Latin-1, so as a
// string Bun would embed it as UTF-16, twice its 1.7 MB.
const swaggerUiJs = Bun.file(swaggerUiJsFile);
// The stylesheet names a source map keel does not serve; without the comment a
// browser's developer tools do not ask for it (and log a 404).
const swaggerUiCss = swaggerUiCssFile.replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*$/, "");

export function docsRoutes() {
  return new Elysia({ name: "docs" })
    .use(
      openapi({
        path: "/docs",
        provider: "swagger-ui",
        swagger: { cdn: SCRIPT_PATH, theme: STYLESHEET_PATH },
        documentation: {
          info: {
            title: "keel",
            version: "0.1.0",
            description: "Serve, monitor, retrain and hot-swap a tabular model in one process.",
          },
          components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
        },
      }),
    )
    .get(SCRIPT_PATH, staticAsset(swaggerUiJs, JAVASCRIPT), { detail: { hide: true } })
    .get(STYLESHEET_PATH, staticAsset(swaggerUiCss, CSS), { detail: { hide: true } });
}
