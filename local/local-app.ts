import { type ApiDependencies, createApiApp } from "../functions/http/api-app";
import { createSurveyApp } from "../functions/http/survey-app";
import type { Stores } from "../functions/store/stores";

export type LocalFetch = (request: Request) => Response | Promise<Response>;

/** The customer pages' paths; on AWS these reach the survey function, everything else the API function. */
export function isSurveyPath(pathname: string): boolean {
  return /^\/[su](\/|$)/.test(pathname);
}

/**
 * One origin for both apps, as the local runtime serves them: `/s/*` and `/u/*` go to the survey app,
 * everything else to the API app. The apps are the same ones the Lambda handlers wrap.
 */
export function createLocalFetch(
  stores: Stores &
    Pick<
      ApiDependencies,
      "clock" | "mail" | "caseMail" | "publicBaseUrl" | "webhookPoster" | "webhookTargets"
    >,
): LocalFetch {
  const api = createApiApp(stores);
  const survey = createSurveyApp(stores);
  return (request) => (isSurveyPath(new URL(request.url).pathname) ? survey : api).fetch(request);
}
