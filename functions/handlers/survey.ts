// Lambda entry for the public survey and unsubscribe pages.
import { handle } from "hono/aws-lambda";
import { createSurveyApp } from "../http/survey-app";

export const handler = handle(createSurveyApp());
