import { type ApiDependencies, createApiApp } from "../functions/http/api-app";
import { type ConsoleDependencies, createConsoleApp } from "../functions/http/console-app";
import { createSurveyApp } from "../functions/http/survey-app";
import type { Stores } from "../functions/store/stores";

export type LocalFetch = (request: Request) => Response | Promise<Response>;

/** The customer pages' paths; on AWS these reach the survey function, everything else the API function. */
export function isSurveyPath(pathname: string): boolean {
  return /^\/[su](\/|$)/.test(pathname);
}

/** The console's paths (`/app`, `/app/…`); on AWS these reach the console function. */
export function isConsolePath(pathname: string): boolean {
  return /^\/app(\/|$)/.test(pathname);
}

/**
 * One origin for the three apps, as the local runtime serves them: `/s/*` and `/u/*` go to the survey
 * app, `/app` and `/app/*` to the console, everything else to the API app. The apps are the same ones
 * the Lambda handlers wrap.
 */
export function createLocalFetch(
  stores: Stores &
    Pick<ApiDependencies, "clock" | "mail" | "caseMail" | "webhookPoster" | "webhookTargets"> &
    Partial<Pick<ConsoleDependencies, "signInMail" | "publicBaseUrl">>,
): LocalFetch {
  const api = createApiApp(stores);
  const survey = createSurveyApp(stores);
  const console = createConsoleApp({
    ...stores,
    // Built without a mailer (a test of routing alone), a sign-in link request fails to send, and says so in the log.
    signInMail: stores.signInMail ?? {
      sendSignInLink: () => Promise.reject(new Error("The local app was built without a sign-in mailer.")),
    },
    caseMail: stores.caseMail ?? {
      sendCaseReply: () => Promise.reject(new Error("The local app was built without a case mailer.")),
    },
    webhookPoster: stores.webhookPoster ?? {
      post: () => Promise.reject(new Error("The local app was built without a webhook poster.")),
    },
    publicBaseUrl: stores.publicBaseUrl ?? "http://localhost",
  });
  return (request) => {
    const { pathname } = new URL(request.url);
    if (isSurveyPath(pathname)) return survey.fetch(request);
    return (isConsolePath(pathname) ? console : api).fetch(request);
  };
}
