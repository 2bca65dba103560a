import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_SEND_FAILURES } from "../../functions/domain/invitation";
import { invitationKey } from "../../functions/store/keys";
import { createStores, type Stores } from "../../functions/store/stores";
import { arrangeCampaign, arrangePurchases } from "../support/arrange";
import { createTestTable, type TestTable } from "../support/dynamo";

/**
 * Giving up a survey that failed MAX_SEND_FAILURES times, against DynamoDB Local, with the invitation
 * put in each state a slow or crashed sender can leave it in: the give-up is a condition on the
 * invitation, so it must refuse while a sender holds the send lock and once SES accepted the email
 * (that survey is marked sent by the sender's retry, never skipped), and take it otherwise.
 */

let table: TestTable;
let stores: Stores;

beforeAll(async () => {
  table = await createTestTable();
  stores = createStores(table.db, table.tableName);
});

afterAll(async () => table?.drop());

/** A due survey that failed often enough to be given up, with `fields` set on its invitation as well. */
async function failedSurvey(name: string, fields: Record<string, string>) {
  const campaign = await arrangeCampaign(stores, { delayDays: 0 });
  const { tokens } = await arrangePurchases(stores, campaign.id, [
    { orderId: `order-${name}`, email: `${name}@example.com` },
  ]);
  const token = tokens.get(`order-${name}`) ?? "";
  const names = Object.fromEntries(Object.keys(fields).map((field, i) => [`#f${i}`, field]));
  const values = Object.fromEntries(Object.values(fields).map((value, i) => [`:f${i}`, value]));
  const sets = Object.keys(fields).map((_, i) => `#f${i} = :f${i}`);
  await table.db.send(
    new UpdateCommand({
      TableName: table.tableName,
      Key: invitationKey(token),
      UpdateExpression: `SET sendFailures = :failures${sets.map((set) => `, ${set}`).join("")}`,
      ...(sets.length > 0 ? { ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: { ":failures": MAX_SEND_FAILURES, ...values },
    }),
  );
  const now = new Date();
  const entry = (await stores.invitations.findDue(now, 100)).find((e) => e.token === token);
  if (!entry) throw new Error(`${name}'s survey is not due`);
  expect(entry.failures).toBe(MAX_SEND_FAILURES);
  return { token, entry, now };
}

describe("giving up a survey after repeated failures", () => {
  it("refuses while a sender holds the send lock", async () => {
    const lockedUntil = new Date(Date.now() + 60_000).toISOString();
    const { token, entry, now } = await failedSurvey("locked", { sendingUntil: lockedUntil });
    expect(await stores.invitations.giveUp(entry, now, MAX_SEND_FAILURES)).toBe(false);
    expect((await stores.invitations.get(token))?.status).toBe("scheduled");
  });

  it("refuses once SES accepted the email, even with the lock expired", async () => {
    const expired = new Date(Date.now() - 60_000).toISOString();
    const { token, entry, now } = await failedSurvey("accepted", {
      sendingUntil: expired,
      acceptedAt: new Date().toISOString(),
    });
    expect(await stores.invitations.giveUp(entry, now, MAX_SEND_FAILURES)).toBe(false);
    expect((await stores.invitations.get(token))?.status).toBe("scheduled");
  });

  it("gives up a survey nobody holds and SES never accepted, once", async () => {
    const { token, entry, now } = await failedSurvey("undeliverable", {});
    expect(await stores.invitations.giveUp(entry, now, MAX_SEND_FAILURES)).toBe(true);
    expect(await stores.invitations.get(token)).toMatchObject({
      status: "skipped",
      skipReason: "undeliverable",
    });
    expect(await stores.invitations.giveUp(entry, now, MAX_SEND_FAILURES)).toBe(false);
    expect((await stores.invitations.findDue(now, 100)).some((e) => e.token === token)).toBe(false);
  });
});
