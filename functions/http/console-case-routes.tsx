import { type ConsoleApp, type ConsolePorts, frame, messages } from "./console-context";
import { renderNotBuiltPage } from "./console-pages";

/** The console's routes for the case inbox and a case's page (timeline, notes, reply, status). */
export function registerCaseRoutes(app: ConsoleApp, _ports: ConsolePorts): void {
  app.get("/app/cases", (c) =>
    c.html(
      renderNotBuiltPage({
        ...frame(c, "cases"),
        title: messages(c).navCases,
        planned: messages(c).plannedCases,
      }),
    ),
  );
  app.get("/app/cases/:caseId", (c) =>
    c.html(
      renderNotBuiltPage({
        ...frame(c, "cases"),
        title: messages(c).navCases,
        planned: messages(c).plannedCase,
        backUrl: "/app/cases",
      }),
    ),
  );
}
