import {
  type EmailPreview,
  emailPreviewRequestSchema,
  previewInvitationEmail,
} from "../domain/email-preview";
import type { InvitationEmail } from "../domain/invitation";
import { parseWith } from "../domain/validation";
import { type CampaignLookupPorts, loadCampaign } from "./load-campaign";

export type PreviewEmailPorts = CampaignLookupPorts & {
  /** Renders a survey email as the sender would send it, without sending it. */
  readonly mail: { render(email: InvitationEmail): { subject: string; html: string; text: string } };
  /** Origin the survey links point at, as in real emails. */
  readonly publicBaseUrl: string;
};

/**
 * The campaign's survey email (or its reminder) as a customer would get it, in the language and with
 * the name asked for, rendered and not sent: nothing is written. Its links carry the placeholder
 * token, so they lead nowhere. The body is read once the campaign is known.
 */
export async function previewEmail(
  ports: PreviewEmailPorts,
  campaignId: string,
  readBody: () => Promise<unknown>,
): Promise<EmailPreview> {
  const { campaign } = await loadCampaign(ports, campaignId);
  const request = parseWith(emailPreviewRequestSchema, await readBody(), "preview request");
  const { subject, html, text } = ports.mail.render(
    previewInvitationEmail(campaign, request, {
      publicBaseUrl: ports.publicBaseUrl,
      isReminder: request.reminder ?? false,
    }),
  );
  return { subject, html, text };
}
