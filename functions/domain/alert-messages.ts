import type { Locale } from "./campaign";

/**
 * The strings of alert emails (to a case's owners) and of replies to customers, in each locale.
 * Plain text: the renderers escape them.
 */
export type AlertMessages = {
  readonly alertSubject: (score: number, campaign: string) => string;
  readonly alertIntro: (campaign: string) => string;
  readonly scoreLine: (score: number) => string;
  readonly csatLine: (csat: number) => string;
  readonly noComment: string;
  readonly customerLine: (who: string) => string;
  readonly dueLine: (dueAt: string) => string;
  readonly openCase: string;
  readonly editedSubject: (score: number, campaign: string) => string;
  readonly replySubject: (brand: string) => string;
  readonly digestSubject: (newCases: number, overdue: number) => string;
  readonly digestNewCases: (n: number) => string;
  readonly digestOverdue: (n: number) => string;
  /** A campaign's NPS over the last 7 days against the 7 before; null where there were no answers. */
  readonly digestNps: (
    campaign: string,
    nps: number | null,
    previous: number | null,
    responses: number,
  ) => string;
  readonly digestOpenInbox: string;
};

const en: AlertMessages = {
  alertSubject: (score, campaign) => `Score ${score} from a customer: ${campaign}`,
  alertIntro: (campaign) => `A customer answered the survey of "${campaign}" and a case was opened for you.`,
  scoreLine: (score) => `Likelihood to recommend: ${score} / 10`,
  csatLine: (csat) => `Satisfaction: ${csat} / 5`,
  noComment: "(no comment)",
  customerLine: (who) => `Customer: ${who}`,
  dueLine: (dueAt) => `Reply by: ${dueAt} (UTC)`,
  openCase: "Open the case",
  editedSubject: (score, campaign) => `Updated answer (score ${score}): ${campaign}`,
  replySubject: (brand) => `About your answer to ${brand}`,
  digestSubject: (n, overdue) => `Your cases today: ${n} new, ${overdue} overdue`,
  digestNewCases: (n) => `New in the last 24 hours (${n})`,
  digestOverdue: (n) => `Overdue (${n})`,
  digestNps: (campaign, nps, previous, responses) =>
    `${campaign}: NPS ${nps ?? "–"} over the last 7 days (${responses} answers), ${previous ?? "–"} the week before`,
  digestOpenInbox: "Open your cases",
};

const zhHant: AlertMessages = {
  alertSubject: (score, campaign) => `顧客評分 ${score}：${campaign}`,
  alertIntro: (campaign) => `一位顧客回覆了「${campaign}」的問卷，已為您開立一個案件。`,
  scoreLine: (score) => `推薦意願：${score} / 10`,
  csatLine: (csat) => `滿意度：${csat} / 5`,
  noComment: "（沒有留言）",
  customerLine: (who) => `顧客：${who}`,
  dueLine: (dueAt) => `請於此前回覆：${dueAt}（UTC）`,
  openCase: "開啟案件",
  editedSubject: (score, campaign) => `回覆已更新（評分 ${score}）：${campaign}`,
  replySubject: (brand) => `關於您給 ${brand} 的回覆`,
  digestSubject: (n, overdue) => `今日案件：新增 ${n} 件，逾期 ${overdue} 件`,
  digestNewCases: (n) => `過去 24 小時新增（${n}）`,
  digestOverdue: (n) => `逾期（${n}）`,
  digestNps: (campaign, nps, previous, responses) =>
    `${campaign}：過去 7 天 NPS ${nps ?? "–"}（${responses} 份回覆），前一週 ${previous ?? "–"}`,
  digestOpenInbox: "開啟我的案件",
};

const zhHans: AlertMessages = {
  alertSubject: (score, campaign) => `顾客评分 ${score}：${campaign}`,
  alertIntro: (campaign) => `一位顾客回复了“${campaign}”的问卷，已为您创建一个工单。`,
  scoreLine: (score) => `推荐意愿：${score} / 10`,
  csatLine: (csat) => `满意度：${csat} / 5`,
  noComment: "（没有留言）",
  customerLine: (who) => `顾客：${who}`,
  dueLine: (dueAt) => `请于此前回复：${dueAt}（UTC）`,
  openCase: "打开工单",
  editedSubject: (score, campaign) => `回复已更新（评分 ${score}）：${campaign}`,
  replySubject: (brand) => `关于您给 ${brand} 的回复`,
  digestSubject: (n, overdue) => `今日工单：新增 ${n} 个，逾期 ${overdue} 个`,
  digestNewCases: (n) => `过去 24 小时新增（${n}）`,
  digestOverdue: (n) => `逾期（${n}）`,
  digestNps: (campaign, nps, previous, responses) =>
    `${campaign}：过去 7 天 NPS ${nps ?? "–"}（${responses} 份回复），前一周 ${previous ?? "–"}`,
  digestOpenInbox: "打开我的工单",
};

const MESSAGES: Record<Locale, AlertMessages> = { en, "zh-Hant": zhHant, "zh-Hans": zhHans };

export const alertMessagesFor = (locale: Locale): AlertMessages => MESSAGES[locale];
