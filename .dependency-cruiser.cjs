/**
 * The layer rules of functions/ (README, "Layout"), checked by `npm run lint`:
 *
 *   handlers/            one thin entry per Lambda: wiring only
 *   http/ events/        request adapters: parse, call one use case, render
 *   use-cases/           one function per flow; each owns the ports it needs
 *   store/ mail/ queue/  adapters: DynamoDB, SES, SQS
 *   domain/              pure rules, maths and schemas
 *   platform/            the process: environment, logs, metrics
 *
 * Each layer imports only the ones below it; type-only imports count too.
 */
const ADAPTERS = "store|mail|queue|webhooks";
const AWS_OR_HTTP = "^node_modules/(@aws-sdk|@smithy|@aws-lambda-powertools|hono|@hono|aws-lambda)/";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "domain-is-pure",
      comment: "domain/ holds rules, maths and schemas: it imports no other layer of functions/.",
      severity: "error",
      from: { path: "^functions/domain/" },
      to: { path: "^functions/", pathNot: "^functions/domain/" },
    },
    {
      name: "domain-knows-no-aws-or-http",
      comment: "domain/ runs anywhere: no AWS SDK, Lambda or HTTP framework.",
      severity: "error",
      from: { path: "^functions/domain/" },
      to: { path: AWS_OR_HTTP },
    },
    {
      name: "use-cases-use-ports-not-adapters",
      comment:
        "A use case names the ports it needs as types of its own; the stores, mailer and queue are passed in, never imported.",
      severity: "error",
      from: { path: "^functions/use-cases/" },
      to: {
        path: `^functions/(${ADAPTERS}|http|events|handlers)/|^functions/platform/(environment|metrics)`,
      },
    },
    {
      name: "use-cases-know-no-aws-or-http",
      severity: "error",
      from: { path: "^functions/use-cases/" },
      to: { path: AWS_OR_HTTP },
    },
    {
      name: "adapters-serve-not-call-use-cases",
      comment: "Adapters are below the use cases: they implement ports structurally and import none of them.",
      severity: "error",
      from: { path: `^functions/(${ADAPTERS})/` },
      to: { path: "^functions/(use-cases|http|events|handlers)/" },
    },
    {
      name: "adapters-keep-to-themselves",
      comment:
        "The store does not send mail, the mailer does not read the table: the use case combines them.",
      severity: "error",
      from: { path: `^functions/(${ADAPTERS})/` },
      to: { path: `^functions/(${ADAPTERS})/`, pathNot: "^functions/$1/" },
    },
    {
      name: "stores-do-not-import-stores",
      comment:
        "Shared item shapes live in their own store module (keys.ts, aggregate-items.ts), not in another store.",
      severity: "error",
      from: { path: "^functions/store/[^/]+-store\\.ts$" },
      to: { path: "^functions/store/[^/]+-store\\.ts$" },
    },
    {
      name: "request-adapters-call-use-cases",
      comment: "http/ and events/ reach the table, SES and SQS only through a use case's ports.",
      severity: "error",
      from: { path: "^functions/(http|events)/" },
      to: { path: `^functions/(${ADAPTERS}|handlers)/` },
    },
    {
      name: "http-and-events-apart",
      severity: "error",
      from: { path: "^functions/(http|events)/" },
      to: { path: "^functions/(http|events)/", pathNot: "^functions/$1/" },
    },
    {
      name: "handlers-are-the-only-entries",
      comment: "Nothing imports a Lambda entry (tests drive them as Lambda does).",
      severity: "error",
      from: { pathNot: "^test/" },
      to: { path: "^functions/handlers/" },
    },
    {
      name: "functions-stand-alone",
      comment:
        "What runs in Lambda imports nothing of the local runtime, the CLIs, the bench, the tests or the CDK app.",
      severity: "error",
      from: { path: "^functions/" },
      to: { path: "^(local|cli|bench|test|lib|bin)/" },
    },
    {
      name: "infrastructure-reads-only-shared-definitions",
      comment:
        "The CDK app shares the domain's rules and the table's shape with the functions, nothing else.",
      severity: "error",
      from: { path: "^(lib|bin)/" },
      to: { path: "^functions/", pathNot: "^functions/(domain/|store/table-definition\\.ts$)" },
    },
    {
      name: "no-circular",
      comment:
        "No module may need itself at run time. A cycle through type-only imports is allowed: it is gone " +
        "once compiled, and lets a schema module and the zod-free module of its logic name each other's types.",
      severity: "error",
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(cdk\\.out|\\.local)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json", ".d.ts"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
