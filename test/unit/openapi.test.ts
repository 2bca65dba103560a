import { describe, expect, it } from "vitest";
import { createApiApp } from "../../functions/http/api-app";
import { openApiDocument } from "../../functions/http/openapi";

describe("the OpenAPI document", () => {
  const document = openApiDocument() as { paths: Record<string, Record<string, unknown>> };
  // Routes are registered without touching the stores, so none are needed to list them.
  const app = createApiApp({} as never);
  const routes = app.routes
    .filter((route) => route.method !== "ALL")
    .map((route) => ({ method: route.method.toLowerCase(), path: route.path.replace(/:(\w+)/g, "{$1}") }));

  it("documents every route the API serves, and nothing it does not", () => {
    const served = new Set(routes.map((r) => `${r.method} ${r.path}`));
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, item]) =>
        Object.keys(item)
          .filter((key) => ["get", "post", "patch", "put", "delete"].includes(key))
          .map((method) => `${method} ${path}`),
      ),
    );
    expect([...documented].sort()).toEqual([...served].sort());
  });

  it("describes request bodies with the schemas that validate them", () => {
    const schemas = (
      document as unknown as {
        components: { schemas: Record<string, { properties?: object; required?: string[] }> };
      }
    ).components.schemas;
    expect(schemas.CampaignCreate?.required).toEqual(["name", "brandName"]);
    expect(Object.keys(schemas.CampaignCreate?.properties ?? {})).toContain("delayDays");
    expect(schemas.Purchase?.required).toEqual(["orderId", "email"]);
  });
});
