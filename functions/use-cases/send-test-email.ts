import type { Campaign } from "../domain/campaign";
import type { Clock } from "../domain/clock";
import {
  previewInvitationEmail,
  TEST_SENDS_PER_HOUR,
  type TestEmailResult,
  testEmailRequestSchema,
  testSendHour,
} from "../domain/email-preview";
import { ConflictError, MailRejectedError, MailSetupError, ThrottledError } from "../domain/errors";
import type { InvitationEmail, Recipient } from "../domain/invitation";
import { normalizeEmail } from "../domain/purchase";
import { invalid, parseWith } from "../domain/validation";
import { type CampaignLookupPorts, loadCampaign } from "./load-campaign";

export type SendTestEmailPorts = CampaignLookupPorts & {
  readonly campaigns: {
    /** Counts a test email in its hour; false when `limit` were sent in that hour already. */
    countTestSend(campaignId: string, hour: string, limit: number, expiresAt: number): Promise<boolean>;
  };
  readonly invitations: { recipient(email: string): Promise<Recipient> };
  /**
   * Renders and sends a survey email; throws MailRejectedError when the address is refused,
   * MailSetupError when every email of the campaign would be.
   */
  readonly mail: { send(email: InvitationEmail): Promise<string> };
  readonly publicBaseUrl: string;
  readonly clock: Clock;
};

/** The campaign's hourly test emails are used up: Retry-After says when the next hour starts. */
export class TestSendLimitError extends ThrottledError {
  constructor(retryAfterSeconds: number) {
    super(
      `This campaign sent its ${TEST_SENDS_PER_HOUR} test emails of this hour; send more after the hour ` +
        "(see Retry-After), or use the preview, which sends nothing.",
      retryAfterSeconds,
    );
  }
}

/** How long an hour's counter is kept: past its hour it is no longer read. */
const COUNTER_TTL_SECONDS = 24 * 3600;

/**
 * Sends the campaign's survey email to one address through the real mail path (SES), for the marketer
 * to see it in a real inbox. It stands outside every count: no purchase, invitation, contact or
 * throttle record, no aggregate; only the hour's test-send counter moves. Its links carry the
 * placeholder token, so they lead to a "not valid" page and record nothing. Refused for a suppressed
 * address (409: it asked for no email, or bounced), when SES refuses the campaign's email as such (409),
 * and past TEST_SENDS_PER_HOUR per campaign (429).
 */
export async function sendTestEmail(
  ports: SendTestEmailPorts,
  campaignId: string,
  readBody: () => Promise<unknown>,
): Promise<TestEmailResult> {
  const { campaign } = await loadCampaign(ports, campaignId);
  const request = parseWith(testEmailRequestSchema, await readBody(), "test email request");
  const to = normalizeEmail(request.email);
  const { suppressedFor } = await ports.invitations.recipient(to);
  if (suppressedFor !== null) {
    throw new ConflictError(
      `The address is suppressed (${suppressedFor}): no email goes to it, tests included. Use another address.`,
    );
  }
  await takeTestSend(ports, campaign);
  const email = previewInvitationEmail(
    campaign,
    { ...request, to },
    { publicBaseUrl: ports.publicBaseUrl, isReminder: false },
  );
  try {
    await ports.mail.send(email);
  } catch (error) {
    // What a test send is for: the marketer learns now, not from an alarm once surveys go out.
    if (error instanceof MailSetupError) {
      throw new ConflictError(
        "The mail service refused this campaign's email for a reason every one of its emails shares " +
          `(its sender name, or the sender's SES setup); nothing was sent: ${error.message.slice(0, 300)}`,
      );
    }
    if (!(error instanceof MailRejectedError)) throw error;
    throw invalid("test email request", [
      { field: "email", message: `was refused by the mail service: ${error.message.slice(0, 300)}` },
    ]);
  }
  return { to };
}

async function takeTestSend(ports: SendTestEmailPorts, campaign: Campaign): Promise<void> {
  const now = ports.clock();
  const { hour, secondsLeft } = testSendHour(now);
  const expiresAt = Math.floor(now.getTime() / 1000) + COUNTER_TTL_SECONDS;
  if (!(await ports.campaigns.countTestSend(campaign.id, hour, TEST_SENDS_PER_HOUR, expiresAt))) {
    throw new TestSendLimitError(secondsLeft);
  }
}
