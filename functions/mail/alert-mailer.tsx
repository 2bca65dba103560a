import { alertMessagesFor } from "../domain/alert-messages";
import type { Locale } from "../domain/campaign";
import type { CaseAlertEmail, CaseDigestEmail, DigestCase } from "../domain/case";
import type { MailSender } from "./mail-sender";
import { toHeaderText } from "./render-invitation-email";

/** A reply from a case to its customer. */
export type CaseReplyEmail = {
  readonly to: string;
  readonly locale: Locale;
  readonly senderName: string;
  readonly replyTo: string;
  readonly subject: string;
  readonly text: string;
};

/** Renders and sends the emails of the close-the-loop flow: alerts to owners, replies to customers. */
export class AlertMailer {
  constructor(private readonly transport: MailSender) {}

  async sendCaseAlert(alert: CaseAlertEmail): Promise<string> {
    const m = alertMessagesFor(alert.locale);
    const name = toHeaderText(alert.campaignName);
    const lines = [
      m.alertIntro(name),
      "",
      m.scoreLine(alert.score),
      ...(alert.csat === null ? [] : [m.csatLine(alert.csat)]),
      m.customerLine(alert.customer),
      ...Object.entries(alert.segments).map(([property, value]) => `${property}: ${String(value)}`),
      m.dueLine(alert.dueAt.slice(0, 16).replace("T", " ")),
    ];
    const comment = alert.comment ?? m.noComment;
    const html = (
      <html lang={alert.locale}>
        <body style="font-family:system-ui,sans-serif;color:#1a1a1a;line-height:1.5">
          {lines.map((line) => (line === "" ? <br /> : <p style="margin:0">{line}</p>))}
          <blockquote style="margin:16px 0;padding:8px 12px;border-left:4px solid #888;white-space:pre-wrap">
            {comment}
          </blockquote>
          <p>
            <a href={alert.caseUrl} style="color:#0b57d0">
              {m.openCase}
            </a>
          </p>
        </body>
      </html>
    );
    return await this.transport.send({
      fromName: alert.senderName,
      to: alert.to,
      subject: toHeaderText(
        alert.edited ? m.editedSubject(alert.score, name) : m.alertSubject(alert.score, name),
      ),
      html: `<!doctype html>${html.toString()}`,
      text: [...lines, "", comment, "", `${m.openCase}: ${alert.caseUrl}`].join("\n"),
      headers: [],
    });
  }

  async sendCaseDigest(digest: CaseDigestEmail): Promise<string> {
    const m = alertMessagesFor(digest.locale);
    const line = (c: DigestCase) =>
      `${c.score}/10 · ${c.customer} · ${c.campaignName} · ${c.dueAt.slice(0, 16).replace("T", " ")} UTC`;
    const sections = [
      { heading: m.digestNewCases(digest.newCases.length), cases: digest.newCases },
      { heading: m.digestOverdue(digest.overdueCases.length), cases: digest.overdueCases },
    ];
    const npsLines = digest.campaigns.map((c) => m.digestNps(c.name, c.nps, c.previousNps, c.responses));
    const html = (
      <html lang={digest.locale}>
        <body style="font-family:system-ui,sans-serif;color:#1a1a1a;line-height:1.5">
          {sections.map((section) => (
            <>
              <h2 style="font-size:16px;margin:16px 0 4px">{section.heading}</h2>
              <ul style="margin:0;padding-left:20px">
                {section.cases.map((c) => (
                  <li>
                    <a href={c.url} style="color:#0b57d0">
                      {line(c)}
                    </a>
                  </li>
                ))}
              </ul>
            </>
          ))}
          <h2 style="font-size:16px;margin:16px 0 4px">NPS</h2>
          {npsLines.map((text) => (
            <p style="margin:0">{text}</p>
          ))}
          <p>
            <a href={digest.inboxUrl} style="color:#0b57d0">
              {m.digestOpenInbox}
            </a>
          </p>
        </body>
      </html>
    );
    const text = [
      ...sections.flatMap((section) => [
        section.heading,
        ...section.cases.map((c) => `- ${line(c)}: ${c.url}`),
        "",
      ]),
      "NPS",
      ...npsLines,
      "",
      `${m.digestOpenInbox}: ${digest.inboxUrl}`,
    ].join("\n");
    return await this.transport.send({
      fromName: digest.senderName,
      to: digest.to,
      subject: toHeaderText(m.digestSubject(digest.newCases.length, digest.overdueCases.length)),
      html: `<!doctype html>${html.toString()}`,
      text,
      headers: [],
    });
  }

  async sendCaseReply(reply: CaseReplyEmail): Promise<string> {
    const html = (
      <html lang={reply.locale}>
        <body style="font-family:system-ui,sans-serif;color:#1a1a1a;line-height:1.5">
          <p style="white-space:pre-wrap">{reply.text}</p>
        </body>
      </html>
    );
    return await this.transport.send({
      fromName: reply.senderName,
      to: reply.to,
      replyTo: reply.replyTo,
      subject: toHeaderText(reply.subject),
      html: `<!doctype html>${html.toString()}`,
      text: reply.text,
      headers: [],
    });
  }
}
