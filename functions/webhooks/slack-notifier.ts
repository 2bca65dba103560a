import type { HttpWebhookPoster } from "./http-webhook-poster";

/**
 * Posts alerts to Slack incoming webhooks through the webhook poster, so the same address guard,
 * timeout and bounded read apply. Slack answers 2xx when it took the message.
 */
export class SlackNotifier {
  constructor(private readonly poster: Pick<HttpWebhookPoster, "post">) {}

  /** Whether Slack took the message; a refusal or an outage is an answer, not an exception. */
  async postMessage(url: string, text: string): Promise<{ ok: boolean; error?: string }> {
    const result = await this.poster.post({
      url,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text }),
    });
    if (result.status !== null && result.status >= 200 && result.status < 300) return { ok: true };
    return { ok: false, error: result.error ?? `Slack answered ${result.status}` };
  }
}
