// Registry routes: read models, versions and aliases; upload a version and
// move aliases (admin).

import { Elysia, t } from "elysia";
import { badRequest } from "../errors.ts";
import type { Deployment } from "../pipeline/deployment.ts";
import type { Registry } from "../registry/registry.ts";
import { readBytes } from "./body.ts";
import { aliasEventView, modelView, versionView } from "./views.ts";

export interface ModelRouteOptions {
  registry: Registry;
  deployment: Deployment;
  admin: (headers: Headers) => string;
  maxBodyBytes: number;
}

const NameParams = t.Object({ name: t.String() });
const VersionParams = t.Object({ name: t.String(), version: t.Numeric({ minimum: 1 }) });
const AliasParams = t.Object({ name: t.String(), alias: t.String() });
const tags = ["registry"];

export function modelRoutes(options: ModelRouteOptions) {
  const { registry, deployment, admin } = options;
  return new Elysia({ name: "models" })
    .get("/models", async () => ({ models: (await registry.searchModels()).map(modelView) }), {
      detail: { summary: "List registered models", tags },
    })
    .get("/models/:name", async ({ params }) => modelView(await registry.getModel(params.name)), {
      params: NameParams,
      detail: { summary: "One registered model with its aliases", tags },
    })
    .get(
      "/models/:name/versions",
      async ({ params }) => ({
        versions: (await registry.searchVersions(params.name)).map(versionView),
      }),
      { params: NameParams, detail: { summary: "A model's versions, newest first", tags } },
    )
    .get(
      "/models/:name/versions/:version",
      async ({ params }) => versionView(await registry.getVersion(params.name, params.version)),
      {
        params: VersionParams,
        detail: { summary: "One version: metrics, signature, artifact", tags },
      },
    )
    .get(
      "/models/:name/versions/:version/artifact",
      async ({ params }) => {
        const version = await registry.getVersion(params.name, params.version);
        return new Response(await registry.readArtifact(version), {
          headers: {
            "content-type": "application/octet-stream",
            "content-disposition": `attachment; filename="${params.name}-v${params.version}.onnx"`,
          },
        });
      },
      { params: VersionParams, detail: { summary: "Download a version's ONNX file", tags } },
    )
    .post(
      "/models/:name/versions",
      async ({ params, request, set }) => {
        const actor = admin(request.headers);
        const bytes = await uploadedBytes(request, options.maxBodyBytes);
        const version = await deployment.registerUpload(params.name, bytes, actor);
        set.status = 201;
        return versionView(version);
      },
      {
        params: NameParams,
        parse: "none",
        detail: {
          summary: "Upload an ONNX model as a new version (admin)",
          description:
            "Body: the ONNX file (application/octet-stream) or multipart/form-data with a `file` field. " +
            "The model is loaded and run on a sample row before it is registered. No alias moves.",
          tags,
          security: [{ bearer: [] }],
        },
      },
    )
    .get(
      "/models/:name/aliases/:alias",
      async ({ params }) => ({
        ...versionView(await registry.getVersionByAlias(params.name, params.alias)),
        history: (await registry.aliasHistory(params.name, params.alias)).map(aliasEventView),
      }),
      {
        params: AliasParams,
        detail: { summary: "The version an alias points at, and its moves", tags },
      },
    )
    .put(
      "/models/:name/aliases/:alias",
      async ({ params, body, request }) => {
        const actor = admin(request.headers);
        const event = await deployment.setAlias(
          params.name,
          params.alias,
          body.version,
          actor,
          body.reason,
        );
        return aliasEventView(event);
      },
      {
        params: AliasParams,
        body: t.Object({
          version: t.Integer({ minimum: 1 }),
          reason: t.Optional(t.String({ maxLength: 500 })),
        }),
        detail: {
          summary: "Point an alias at a version: promote or roll back (admin, audited)",
          tags,
          security: [{ bearer: [] }],
        },
      },
    )
    .delete(
      "/models/:name/aliases/:alias",
      async ({ params, request }) =>
        aliasEventView(
          await deployment.deleteAlias(params.name, params.alias, admin(request.headers)),
        ),
      {
        params: AliasParams,
        detail: { summary: "Delete an alias (admin, audited)", tags, security: [{ bearer: [] }] },
      },
    );
}

async function uploadedBytes(request: Request, maxBytes: number): Promise<Uint8Array> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.startsWith("multipart/form-data")) return readBytes(request, maxBytes);
  let form: Awaited<ReturnType<Request["formData"]>>;
  try {
    form = await request.formData();
  } catch {
    throw badRequest("The multipart body cannot be parsed");
  }
  const file = form.get("file");
  if (!(file instanceof Blob))
    throw badRequest('The multipart body has no "file" field holding the ONNX model');
  return new Uint8Array(await file.arrayBuffer());
}
