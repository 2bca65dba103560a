// Stateless: the HTTP API (API Gateway v2) and its two functions, the marketer api and the survey pages.
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import {
  ApiMapping,
  DomainName,
  HttpApi,
  HttpMethod,
  type HttpRoute,
  HttpStage,
  LogGroupLogDestination,
  SecurityPolicy,
} from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import { Certificate } from "aws-cdk-lib/aws-certificatemanager";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { bindTable, LambdaFunction } from "./constructs/lambda-function";
import { FUNCTION_TABLE_ACCESS } from "./table-access";

/** The HTTP routes by audience. */
export interface SurveyRoutes {
  /** Open to anyone, carrying no data: `GET /health`, `GET /v1/openapi.json`. */
  readonly open: readonly HttpRoute[];
  /**
   * The marketer API, `ANY /v1/{proxy+}`, and the Delighted-compatible API, `ANY /delighted/{proxy+}`:
   * the api function requires an API key (bearer, or the user name of HTTP Basic for Delighted's clients).
   */
  readonly marketer: readonly HttpRoute[];
  /** Customer pages reached from email links, `GET|POST /s/{token}`, `/u/{token}` and `POST /u/{token}/resubscribe`. */
  readonly customer: readonly HttpRoute[];
  /**
   * The web console, `ANY /app` and `ANY /app/{proxy+}`: the console function requires a session
   * (signed in by an emailed link) for every page but the sign-in pages.
   */
  readonly console: readonly HttpRoute[];
}

/** A domain name the API is served on, with its ACM certificate. */
export interface CustomDomain {
  /** e.g. surveys.acme.com */
  readonly domainName: string;
  /** An ACM certificate for `domainName`, in the stack's region (a regional endpoint needs that). */
  readonly certificateArn: string;
}

export interface SurveyHttpApiProps {
  /** The table; each function is granted only its entry of FUNCTION_TABLE_ACCESS (table-access.ts). */
  readonly table: ITable;

  /**
   * Steady-state requests per second the stage accepts, across all routes, before answering 429.
   * Protects the table and the bill from a runaway client; raise it for large order imports.
   * @default 100
   */
  readonly throttlingRateLimit?: number;

  /**
   * Requests the stage accepts in a short burst above the rate limit.
   * @default 200
   */
  readonly throttlingBurstLimit?: number;

  /**
   * How long function logs and API access logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;

  /**
   * Serve the API, and build survey links, on this domain: an API Gateway custom domain (regional, TLS
   * 1.2) mapped to the `$default` stage, and `publicBaseUrl` = `https://<domainName>`. DNS is not
   * managed here: the client points a CNAME at `customDomain.regionalDomainName` (output as
   * CustomDomainTarget). The execute-api address keeps working.
   * @default - no custom domain; links use the API's own endpoint
   */
  readonly customDomain?: CustomDomain;
}

/**
 * One HTTP API, two functions, because the marketer API and the public pages differ in security and
 * traffic: `api` serves `/health`, `/v1/…` and `/delighted/…` and checks API keys itself; `survey` serves the
 * public survey (`/s/{token}`) and unsubscribe (`/u/{token}`) pages. No CORS: the API is called
 * server to server and the pages post to their own origin.
 */
export class SurveyHttpApi extends Construct {
  public readonly httpApi: HttpApi;
  /** The `$default` stage, with throttling and access logging. */
  public readonly stage: HttpStage;
  /** Where the stage writes its access logs. */
  public readonly accessLogs: LogGroup;
  /** Serves `/health`, the marketer API under `/v1` and the Delighted-compatible API under `/delighted`. */
  public readonly apiFunction: LambdaFunction;
  /** Serves the public survey and unsubscribe pages. */
  public readonly surveyFunction: LambdaFunction;
  /** Serves the marketers' web console under `/app`. */
  public readonly consoleFunction: LambdaFunction;
  /** The API's base URL, ending in `/`. */
  public readonly url: string;
  /**
   * The same address without the trailing slash: the origin survey links in emails are built on
   * (`<publicBaseUrl>/s/<token>`).
   */
  public readonly publicBaseUrl: string;
  /** The routes, grouped by who may call them (none has an API Gateway authorizer). */
  public readonly routes: SurveyRoutes;
  /** The custom domain, when one was given. */
  public readonly customDomain?: DomainName;
  /** Maps the custom domain's root to the `$default` stage, when there is a custom domain. */
  public readonly customDomainMapping?: ApiMapping;

  constructor(scope: Construct, id: string, props: SurveyHttpApiProps) {
    super(scope, id);
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;

    this.apiFunction = new LambdaFunction(this, "ApiFunction", {
      handlerFile: "api.ts",
      description: "Marketer API (/v1 and /delighted, API key) and health check",
      logRetention,
    });
    bindTable(this.apiFunction, props.table, FUNCTION_TABLE_ACCESS.api);

    this.surveyFunction = new LambdaFunction(this, "SurveyFunction", {
      handlerFile: "survey.ts",
      description: "Public survey and unsubscribe pages",
      logRetention,
    });
    // Its own invitations, answers, counters and suppressions only: never an API key or a campaign write.
    bindTable(this.surveyFunction, props.table, FUNCTION_TABLE_ACCESS.survey);

    this.consoleFunction = new LambdaFunction(this, "ConsoleFunction", {
      handlerFile: "console.ts",
      description: "Marketers' web console (/app, signed in by an emailed link)",
      logRetention,
    });
    // Its users, sessions and sign-in links, and the campaigns it lists.
    bindTable(this.consoleFunction, props.table, FUNCTION_TABLE_ACCESS.console);

    // The stage is created explicitly (not through createDefaultStage) so that it can carry
    // throttling and access logging.
    this.httpApi = new HttpApi(this, "HttpApi", {
      description: "Open NPS: marketer API and public survey pages",
      createDefaultStage: false,
    });

    this.accessLogs = new LogGroup(this, "AccessLogs", { retention: logRetention });
    this.stage = new HttpStage(this, "DefaultStage", {
      httpApi: this.httpApi,
      stageName: "$default",
      autoDeploy: true,
      throttle: {
        rateLimit: props.throttlingRateLimit ?? 100,
        burstLimit: props.throttlingBurstLimit ?? 200,
      },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: accessLogFormat(),
      },
    });
    this.url = this.stage.url;
    // The API's own endpoint is `https://<id>.execute-api.<region>.<suffix>`, without a slash; with the
    // `$default` stage it is the same address as `url`.
    this.publicBaseUrl = this.httpApi.apiEndpoint;

    if (props.customDomain) {
      this.customDomain = new DomainName(this, "CustomDomain", {
        domainName: props.customDomain.domainName,
        certificate: Certificate.fromCertificateArn(
          this,
          "CustomDomainCertificate",
          props.customDomain.certificateArn,
        ),
        // Stated rather than left to the default: survey links carry the customer's token.
        securityPolicy: SecurityPolicy.TLS_1_2,
      });
      this.customDomainMapping = new ApiMapping(this, "CustomDomainMapping", {
        api: this.httpApi,
        domainName: this.customDomain,
        stage: this.stage,
      });
      this.publicBaseUrl = `https://${props.customDomain.domainName}`;
    }

    const api = new HttpLambdaIntegration("ApiIntegration", this.apiFunction);
    const survey = new HttpLambdaIntegration("SurveyIntegration", this.surveyFunction);
    const console = new HttpLambdaIntegration("ConsoleIntegration", this.consoleFunction);
    this.routes = {
      open: [
        ...this.httpApi.addRoutes({ path: "/health", methods: [HttpMethod.GET], integration: api }),
        // Listed apart from /v1/{proxy+} (the more specific route wins) so that an authorizer can later
        // be put on /v1/{proxy+} while the API description stays public.
        ...this.httpApi.addRoutes({ path: "/v1/openapi.json", methods: [HttpMethod.GET], integration: api }),
      ],
      marketer: ["/v1/{proxy+}", "/delighted/{proxy+}"].flatMap((path) =>
        this.httpApi.addRoutes({ path, methods: [HttpMethod.ANY], integration: api }),
      ),
      // GET shows a page and never changes state (link scanners open every link); POST records.
      customer: [
        ...["/s/{token}", "/u/{token}"].flatMap((path) =>
          this.httpApi.addRoutes({ path, methods: [HttpMethod.GET, HttpMethod.POST], integration: survey }),
        ),
        ...this.httpApi.addRoutes({
          path: "/u/{token}/resubscribe",
          methods: [HttpMethod.POST],
          integration: survey,
        }),
      ],
      // `{proxy+}` does not match `/app` itself: both routes.
      console: ["/app", "/app/{proxy+}"].flatMap((path) =>
        this.httpApi.addRoutes({ path, methods: [HttpMethod.ANY], integration: console }),
      ),
    };
  }
}

/**
 * One JSON line per request. It logs the route key (`GET /s/{token}`) rather than the path, because the
 * token in a survey or unsubscribe path is the customer's credential and must not sit in the logs.
 */
function accessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: "$context.requestId",
      requestTime: "$context.requestTime",
      sourceIp: "$context.identity.sourceIp",
      userAgent: "$context.identity.userAgent",
      routeKey: "$context.routeKey",
      status: "$context.status",
      protocol: "$context.protocol",
      responseLength: "$context.responseLength",
      responseLatency: "$context.responseLatency",
      integrationLatency: "$context.integrationLatency",
      integrationError: "$context.integrationErrorMessage",
    }),
  );
}
