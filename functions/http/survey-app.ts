import { Hono } from "hono";
import { html } from "hono/html";

/**
 * The public customer pages (`/s/{token}` survey, `/u/{token}` unsubscribe): no API key, server-rendered.
 * Until survey delivery exists no token is valid, so every token answers the plain 404 page the
 * contract asks for; the routes are here so that the stack and the local runtime already serve them.
 */
export function createSurveyApp(): Hono {
  const app = new Hono();
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.notFound((c) => c.html(notFoundPage(), 404));
  app.onError((error, c) => {
    console.error(JSON.stringify({ level: "error", message: "unhandled error", error: String(error) }));
    return c.html(notFoundPage(), 500);
  });
  return app;
}

const notFoundPage = () => html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Link not found</title>
  </head>
  <body>
    <main>
      <h1>This link is not valid</h1>
      <p>Please check that you opened the whole link from the email.</p>
    </main>
  </body>
</html>`;
