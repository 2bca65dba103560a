import type * as z from "../domain/zod";
import type { ErrorStatus } from "./openapi-errors";

export type Answer = {
  readonly description: string;
  readonly json?: z.ZodMiniType;
  readonly csv?: z.ZodMiniType;
  readonly headers?: Readonly<Record<string, z.ZodMiniType>>;
};

export type Route = {
  readonly method: "get" | "post" | "patch" | "delete";
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  /** Served without an API key. */
  readonly public?: true;
  readonly query?: z.ZodMiniObject;
  readonly body?: z.ZodMiniType;
  readonly responses: Readonly<Record<number, Answer>>;
  readonly errors?: readonly ErrorStatus[];
  /** A route's own wording of an error status, where the common one would mislead. */
  readonly errorDescriptions?: Readonly<Partial<Record<ErrorStatus, string>>>;
};

/**
 * The routes of one part of the API with the named bodies and path parameters they use: each part of
 * the API that lives in its own module (webhooks, cases) describes itself in one, merged into the
 * document by openapi.ts.
 */
export type OpenApiSection = {
  readonly requestBodies: Readonly<Record<string, z.ZodMiniType>>;
  readonly responseBodies: Readonly<Record<string, z.ZodMiniType>>;
  readonly pathParameters: Readonly<Record<string, z.core.$ZodType>>;
  readonly routes: readonly Route[];
};
