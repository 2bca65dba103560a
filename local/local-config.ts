import { resolve } from "node:path";
import { LocalSetupError } from "./local-errors";

/** The table the local runtime creates in DynamoDB Local (and the apikey CLI uses by default). */
export const LOCAL_TABLE_NAME = "nps-local";

/** Environment variables that move the local services, with their default ports. */
export const PORT_SETTINGS = {
  PORT: { fallback: 3000, service: "API and survey pages" },
  SES_PORT: { fallback: 8005, service: "SES emulator" },
  DYNAMODB_PORT: { fallback: 8000, service: "DynamoDB Local" },
} as const;
export type PortSetting = keyof typeof PORT_SETTINGS;

export function portFromEnv(name: PortSetting, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name]?.trim();
  if (!raw) return PORT_SETTINGS[name].fallback;
  const port = Number(raw);
  if (!/^\d{1,5}$/.test(raw) || port < 1 || port > 65_535) {
    throw new LocalSetupError(`${name} must be a port number from 1 to 65535, not '${raw.slice(0, 32)}'.`);
  }
  return port;
}

/** Where the local runtime keeps its state (`.local` in the working directory unless LOCAL_DIR says otherwise). */
export function localDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.LOCAL_DIR?.trim() || ".local");
}

export function localDynamoEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return `http://127.0.0.1:${portFromEnv("DYNAMODB_PORT", env)}`;
}
