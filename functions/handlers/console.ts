// Lambda entry for the web console (`/app`): configuration and clients at cold start, then the Hono app.
import { handle } from "hono/aws-lambda";
import { createConsoleApp } from "../http/console-app";
import { SesMailSender } from "../mail/ses-mail-sender";
import { SignInMailer } from "../mail/sign-in-mailer";
import { consoleEnvironment, readEnvironment } from "../platform/environment";
import { CampaignStore } from "../store/campaign-store";
import { ConsoleSessionStore } from "../store/console-session-store";
import { createDocumentClient } from "../store/dynamo-client";
import { UserStore } from "../store/user-store";

const env = readEnvironment(consoleEnvironment);
const db = createDocumentClient({ endpoint: env.DYNAMODB_ENDPOINT, region: env.AWS_REGION });

// Only the stores the console's pages use, so the bundle (and the cold start) carries no other.
export const handler = handle(
  createConsoleApp({
    users: new UserStore(db, env.TABLE_NAME),
    consoleSessions: new ConsoleSessionStore(db, env.TABLE_NAME),
    campaigns: new CampaignStore(db, env.TABLE_NAME),
    signInMail: new SignInMailer(
      new SesMailSender({
        fromAddress: env.SENDER_ADDRESS,
        configurationSetName: env.CONFIGURATION_SET_NAME,
        endpoint: env.SES_ENDPOINT,
        region: env.AWS_REGION,
        // Someone waits at the sign-in form: a throttled send is given up sooner than a queued one.
        maxAttempts: 3,
      }),
    ),
    publicBaseUrl: env.PUBLIC_BASE_URL,
  }),
);
