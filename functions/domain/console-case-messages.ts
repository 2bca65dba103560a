import type { Locale } from "./campaign";
import type { CaseEntryType, CaseStatus } from "./case";
import { zh } from "./messages";

/**
 * The strings of the console's case inbox and case page, in each locale. Plain text: the renderers
 * escape them. Checked against this type, so a key missing from one locale does not compile.
 */
export type CaseInboxView = "mine" | "all" | "overdue";
export type ScoreCategory = "detractor" | "passive" | "promoter";
/** Which form on the case page a message is about. */
export type CaseForm = "note" | "reply" | "status" | "owner";

export type CaseMessages = {
  readonly inboxTitle: string;
  readonly inboxIntro: string;
  readonly viewsLabel: string;
  readonly viewLabels: Readonly<Record<CaseInboxView, string>>;
  readonly inboxCaption: (view: CaseInboxView, email: string) => string;
  readonly filtersLabel: string;
  readonly statusFilter: string;
  readonly anyStatus: string;
  readonly campaignFilter: string;
  readonly anyCampaign: string;
  readonly applyFilters: string;
  readonly clearFilters: string;
  readonly columnCustomer: string;
  readonly columnScore: string;
  readonly columnComment: string;
  readonly columnCampaign: string;
  readonly columnOwner: string;
  readonly columnStatus: string;
  readonly columnOpened: string;
  readonly columnDue: string;
  readonly noComment: string;
  readonly erasedCustomer: string;
  readonly deletedCampaign: string;
  readonly overdue: string;
  readonly emptyMine: string;
  readonly emptyMineHint: string;
  readonly emptyAll: string;
  readonly emptyAllHint: string;
  readonly emptyOverdue: string;
  readonly emptyOverdueHint: string;
  readonly emptyFiltered: string;
  readonly emptyFilteredHint: string;
  readonly newestCases: string;
  readonly olderCases: string;
  readonly pagerLabel: string;

  readonly statusLabels: Readonly<Record<CaseStatus, string>>;
  readonly categoryLabels: Readonly<Record<ScoreCategory, string>>;
  readonly scoreOf: (score: number) => string;
  readonly csatOf: (csat: number) => string;

  readonly caseTitle: (customer: string) => string;
  readonly backToInbox: string;
  readonly answerHeading: string;
  readonly detailsHeading: string;
  readonly scoreLabel: string;
  readonly csatLabel: string;
  readonly commentLabel: string;
  readonly propertiesLabel: string;
  readonly segmentMark: string;
  readonly noProperties: string;
  readonly customerLabel: string;
  readonly campaignLabel: string;
  readonly statusLabel: string;
  readonly ownerLabel: string;
  readonly openedLabel: string;
  readonly dueLabel: string;
  readonly firstResponseLabel: string;
  readonly noResponseYet: string;
  readonly respondedAfter: (duration: string, withinTarget: boolean) => string;
  readonly resolutionLabel: string;
  readonly resolvedOn: (at: string) => string;
  readonly you: string;
  readonly hours: (h: number) => string;
  readonly minutes: (m: number) => string;

  readonly timelineHeading: string;
  readonly bySystem: string;
  readonly byApiKey: (id: string) => string;
  readonly entryLabels: Readonly<Record<CaseEntryType, string>>;
  readonly statusChangedTo: (status: string) => string;
  readonly ownerChangedTo: (owner: string) => string;
  readonly alertedTo: (owners: string) => string;

  readonly actionsHeading: string;
  readonly replyHeading: string;
  readonly replyHint: (sender: string, replyTo: string) => string;
  readonly replyErased: string;
  readonly subjectLabel: string;
  readonly subjectHint: string;
  readonly replyTextLabel: string;
  readonly sendReply: string;
  readonly noteHeading: string;
  readonly noteHint: string;
  readonly noteLabel: string;
  readonly addNote: string;
  readonly ownerHeading: string;
  readonly assignToMe: string;
  readonly newOwnerLabel: string;
  readonly newOwnerHint: string;
  readonly changeOwner: string;
  readonly statusHeading: string;
  readonly resolutionFieldLabel: string;
  readonly resolutionHint: string;
  readonly resolve: string;
  readonly markInProgress: string;
  readonly reopen: string;
  readonly reopenHint: string;

  readonly fieldErrors: {
    readonly textEmpty: string;
    readonly textTooLong: (max: number) => string;
    readonly subjectInvalid: string;
    readonly resolutionRequired: string;
    readonly ownerInvalid: string;
  };
  readonly formHasErrors: string;
  readonly staleCase: string;
  readonly cannotReply: string;
  readonly notices: Readonly<
    Record<"note" | "reply" | "owner" | "resolved" | "reopened" | "in_progress", string>
  >;
};

const en: CaseMessages = {
  inboxTitle: "Cases",
  inboxIntro:
    "Customers who gave a low score and are waiting to hear back. Open one to reply, note and resolve.",
  viewsLabel: "Which cases",
  viewLabels: { mine: "Mine", all: "All", overdue: "Overdue" },
  inboxCaption: (view, email) =>
    view === "mine"
      ? `Cases owned by ${email}, newest first; times in UTC`
      : view === "overdue"
        ? "Unresolved cases past their due time, newest first; times in UTC"
        : "All cases, newest first; times in UTC",
  filtersLabel: "Filter cases",
  statusFilter: "Status",
  anyStatus: "Any status",
  campaignFilter: "Campaign",
  anyCampaign: "All campaigns",
  applyFilters: "Filter",
  clearFilters: "Clear filters",
  columnCustomer: "Customer",
  columnScore: "Score",
  columnComment: "Comment",
  columnCampaign: "Campaign",
  columnOwner: "Owner",
  columnStatus: "Status",
  columnOpened: "Opened",
  columnDue: "Due",
  noComment: "No comment",
  erasedCustomer: "Erased customer",
  deletedCampaign: "Deleted campaign",
  overdue: "Overdue",
  emptyMine: "No cases are yours right now.",
  emptyMineHint:
    "Cases assigned to you appear here. Look at All for the team's cases, or assign one to yourself from its page.",
  emptyAll: "No cases yet.",
  emptyAllHint:
    "A case opens by itself when a customer gives a low score on a campaign with a follow-up rule. Add one in a campaign's settings.",
  emptyOverdue: "Nothing is overdue.",
  emptyOverdueHint: "Every open case still has time, or has been resolved.",
  emptyFiltered: "No cases match these filters.",
  emptyFilteredHint: "Choose another status or campaign, or clear the filters.",
  newestCases: "Newest cases",
  olderCases: "Older cases",
  pagerLabel: "Pages of cases",

  statusLabels: { open: "Open", in_progress: "In progress", resolved: "Resolved" },
  categoryLabels: { detractor: "Detractor", passive: "Passive", promoter: "Promoter" },
  scoreOf: (score) => `${score} of 10`,
  csatOf: (csat) => `${csat} of 5`,

  caseTitle: (customer) => `Case: ${customer}`,
  backToInbox: "Back to cases",
  answerHeading: "The answer",
  detailsHeading: "Case details",
  scoreLabel: "Score",
  csatLabel: "Satisfaction",
  commentLabel: "Comment",
  propertiesLabel: "Purchase details",
  segmentMark: "segment",
  noProperties: "None",
  customerLabel: "Customer",
  campaignLabel: "Campaign",
  statusLabel: "Status",
  ownerLabel: "Owner",
  openedLabel: "Opened",
  dueLabel: "Due",
  firstResponseLabel: "First response",
  noResponseYet: "No reply yet",
  respondedAfter: (duration, within) => `after ${duration} (${within ? "on time" : "late"})`,
  resolutionLabel: "Resolution",
  resolvedOn: (at) => `Resolved ${at}`,
  you: "(you)",
  hours: (h) => (h === 1 ? "1 hour" : `${h} hours`),
  minutes: (m) => (m === 1 ? "1 minute" : `${m} minutes`),

  timelineHeading: "Timeline",
  bySystem: "open-nps",
  byApiKey: (id) => `API key ${id}`,
  entryLabels: {
    opened: "Case opened",
    alerted: "Owners alerted",
    answer_updated: "The customer changed the answer",
    rule_no_longer_met:
      "The changed answer no longer meets the follow-up rule; the case stays for someone to close",
    status_changed: "Status changed",
    owner_changed: "Owner changed",
    note: "Note",
    reply: "Reply emailed to the customer",
  },
  statusChangedTo: (status) => `Status changed to ${status}`,
  ownerChangedTo: (owner) => `Owner changed to ${owner}`,
  alertedTo: (owners) => `Owners alerted: ${owners}`,

  actionsHeading: "Work on the case",
  replyHeading: "Reply to the customer",
  replyHint: (sender, replyTo) => `Emailed from ${sender}. When the customer answers, it goes to ${replyTo}.`,
  replyErased: "The customer's data was erased: there is no address to reply to.",
  subjectLabel: "Subject",
  subjectHint: "Leave empty for the usual subject with the brand's name.",
  replyTextLabel: "Message",
  sendReply: "Send reply",
  noteHeading: "Add a note",
  noteHint: "For the team only: the customer does not see notes.",
  noteLabel: "Note",
  addNote: "Add note",
  ownerHeading: "Owner",
  assignToMe: "Assign to me",
  newOwnerLabel: "Assign to",
  newOwnerHint: "An email address. They get the replies the customer sends.",
  changeOwner: "Change owner",
  statusHeading: "Status",
  resolutionFieldLabel: "Resolution",
  resolutionHint: "What was done for the customer. Required to resolve.",
  resolve: "Resolve case",
  markInProgress: "Mark in progress",
  reopen: "Reopen case",
  reopenHint: "Reopening clears the resolution; the timeline keeps it.",

  fieldErrors: {
    textEmpty: "Write something first.",
    textTooLong: (max) => `Keep it to ${max} characters or fewer.`,
    subjectInvalid: "Use one line of at most 200 characters.",
    resolutionRequired: "Say what was done before resolving the case.",
    ownerInvalid: "Enter an email address, like name@example.com.",
  },
  formHasErrors: "Please correct the field marked below.",
  staleCase:
    "Someone else changed this case while you had it open. This is the case as it is now: check it, then make your change again.",
  cannotReply: "The reply could not be sent.",
  notices: {
    note: "Note added.",
    reply: "Reply sent to the customer.",
    owner: "Owner changed.",
    resolved: "Case resolved.",
    reopened: "Case reopened.",
    in_progress: "Case marked in progress.",
  },
};

const zhHant: CaseMessages = {
  inboxTitle: "案件",
  inboxIntro: "給了低分、正在等待回覆的顧客。開啟案件即可回覆、加註並結案。",
  viewsLabel: "案件範圍",
  viewLabels: { mine: "我的", all: "全部", overdue: "已逾期" },
  inboxCaption: (view, email) =>
    view === "mine"
      ? zh`由 ${email} 負責的案件，最新的在前；時間為 UTC`
      : view === "overdue"
        ? "已超過期限且尚未結案的案件，最新的在前；時間為 UTC"
        : "所有案件，最新的在前；時間為 UTC",
  filtersLabel: "篩選案件",
  statusFilter: "狀態",
  anyStatus: "所有狀態",
  campaignFilter: "問卷活動",
  anyCampaign: "所有問卷活動",
  applyFilters: "篩選",
  clearFilters: "清除篩選",
  columnCustomer: "顧客",
  columnScore: "分數",
  columnComment: "意見",
  columnCampaign: "問卷活動",
  columnOwner: "負責人",
  columnStatus: "狀態",
  columnOpened: "建立時間",
  columnDue: "回覆期限",
  noComment: "未留意見",
  erasedCustomer: "資料已刪除的顧客",
  deletedCampaign: "已刪除的問卷活動",
  overdue: "已逾期",
  emptyMine: "目前沒有由您負責的案件。",
  emptyMineHint: "指派給您的案件會顯示在這裡。可到「全部」查看團隊的案件，或在案件頁面將案件指派給自己。",
  emptyAll: "目前還沒有案件。",
  emptyAllHint:
    "當顧客在設有跟進規則的問卷活動中給了低分，系統會自動建立案件。請到問卷活動的設定中加入跟進規則。",
  emptyOverdue: "沒有逾期的案件。",
  emptyOverdueHint: "所有未結案件都還在期限內，或已經結案。",
  emptyFiltered: "沒有符合篩選條件的案件。",
  emptyFilteredHint: "請改選其他狀態或問卷活動，或清除篩選。",
  newestCases: "最新案件",
  olderCases: "較早的案件",
  pagerLabel: "案件分頁",

  statusLabels: { open: "待處理", in_progress: "處理中", resolved: "已結案" },
  categoryLabels: { detractor: "批評者", passive: "中立者", promoter: "推薦者" },
  scoreOf: (score) => zh`${score} 分（滿分 10）`,
  csatOf: (csat) => zh`${csat} 分（滿分 5）`,

  caseTitle: (customer) => zh`案件：${customer}`,
  backToInbox: "返回案件列表",
  answerHeading: "顧客的回答",
  detailsHeading: "案件資訊",
  scoreLabel: "分數",
  csatLabel: "滿意度",
  commentLabel: "意見",
  propertiesLabel: "訂單資料",
  segmentMark: "分群",
  noProperties: "無",
  customerLabel: "顧客",
  campaignLabel: "問卷活動",
  statusLabel: "狀態",
  ownerLabel: "負責人",
  openedLabel: "建立時間",
  dueLabel: "回覆期限",
  firstResponseLabel: "首次回覆",
  noResponseYet: "尚未回覆",
  respondedAfter: (duration, within) => zh`歷時 ${duration}（${within ? "在期限內" : "已逾期"}）`,
  resolutionLabel: "處理結果",
  resolvedOn: (at) => zh`結案於 ${at}`,
  you: "（您）",
  hours: (h) => zh`${h} 小時`,
  minutes: (m) => zh`${m} 分鐘`,

  timelineHeading: "處理紀錄",
  bySystem: "open-nps 系統",
  byApiKey: (id) => zh`API 金鑰 ${id}`,
  entryLabels: {
    opened: "建立案件",
    alerted: "已通知負責人",
    answer_updated: "顧客修改了回答",
    rule_no_longer_met: "修改後的回答已不符合跟進規則；案件保留，待人工結案",
    status_changed: "狀態變更",
    owner_changed: "負責人變更",
    note: "備註",
    reply: "已寄出回覆給顧客",
  },
  statusChangedTo: (status) => zh`狀態改為「${status}」`,
  ownerChangedTo: (owner) => zh`負責人改為 ${owner}`,
  alertedTo: (owners) => zh`已通知負責人：${owners}`,

  actionsHeading: "處理案件",
  replyHeading: "回覆顧客",
  replyHint: (sender, replyTo) => zh`以「${sender}」的名義寄出；顧客回信時會寄到 ${replyTo}。`,
  replyErased: "顧客的資料已刪除，沒有可回覆的電子郵件地址。",
  subjectLabel: "主旨",
  subjectHint: "留空則使用含品牌名稱的預設主旨。",
  replyTextLabel: "內容",
  sendReply: "寄出回覆",
  noteHeading: "新增備註",
  noteHint: "僅供團隊內部查看，顧客看不到備註。",
  noteLabel: "備註",
  addNote: "新增備註",
  ownerHeading: "負責人",
  assignToMe: "指派給我",
  newOwnerLabel: "指派給",
  newOwnerHint: "請輸入電子郵件地址；顧客的回信會寄給此人。",
  changeOwner: "變更負責人",
  statusHeading: "狀態",
  resolutionFieldLabel: "處理結果",
  resolutionHint: "說明為顧客做了什麼處理。結案時必填。",
  resolve: "結案",
  markInProgress: "標示為處理中",
  reopen: "重新開啟案件",
  reopenHint: "重新開啟後，處理結果會被清除，處理紀錄中仍會保留。",

  fieldErrors: {
    textEmpty: "請先輸入內容。",
    textTooLong: (max) => zh`請勿超過 ${max} 個字元。`,
    subjectInvalid: "主旨須為單行，且不超過 200 個字元。",
    resolutionRequired: "結案前請說明處理結果。",
    ownerInvalid: "請輸入電子郵件地址，例如 name@example.com。",
  },
  formHasErrors: "請修正下方標示的欄位。",
  staleCase: "在您開啟期間，有其他人變更了這個案件。以下是案件目前的內容，請確認後再操作一次。",
  cannotReply: "無法寄出回覆。",
  notices: {
    note: "已新增備註。",
    reply: "已寄出回覆給顧客。",
    owner: "已變更負責人。",
    resolved: "案件已結案。",
    reopened: "案件已重新開啟。",
    in_progress: "案件已標示為處理中。",
  },
};

const zhHans: CaseMessages = {
  inboxTitle: "工单",
  inboxIntro: "给了低分、正在等待回复的顾客。打开工单即可回复、添加备注并结案。",
  viewsLabel: "工单范围",
  viewLabels: { mine: "我的", all: "全部", overdue: "已逾期" },
  inboxCaption: (view, email) =>
    view === "mine"
      ? zh`由 ${email} 负责的工单，最新的在前；时间为 UTC`
      : view === "overdue"
        ? "已超过期限且尚未结案的工单，最新的在前；时间为 UTC"
        : "所有工单，最新的在前；时间为 UTC",
  filtersLabel: "筛选工单",
  statusFilter: "状态",
  anyStatus: "所有状态",
  campaignFilter: "问卷活动",
  anyCampaign: "所有问卷活动",
  applyFilters: "筛选",
  clearFilters: "清除筛选",
  columnCustomer: "顾客",
  columnScore: "分数",
  columnComment: "意见",
  columnCampaign: "问卷活动",
  columnOwner: "负责人",
  columnStatus: "状态",
  columnOpened: "创建时间",
  columnDue: "回复期限",
  noComment: "未留意见",
  erasedCustomer: "数据已删除的顾客",
  deletedCampaign: "已删除的问卷活动",
  overdue: "已逾期",
  emptyMine: "目前没有由您负责的工单。",
  emptyMineHint: "分配给您的工单会显示在这里。可到“全部”查看团队的工单，或在工单页面将工单分配给自己。",
  emptyAll: "目前还没有工单。",
  emptyAllHint:
    "当顾客在设有跟进规则的问卷活动中给了低分，系统会自动创建工单。请到问卷活动的设置中添加跟进规则。",
  emptyOverdue: "没有逾期的工单。",
  emptyOverdueHint: "所有未结工单都还在期限内，或已经结案。",
  emptyFiltered: "没有符合筛选条件的工单。",
  emptyFilteredHint: "请改选其他状态或问卷活动，或清除筛选。",
  newestCases: "最新工单",
  olderCases: "较早的工单",
  pagerLabel: "工单分页",

  statusLabels: { open: "待处理", in_progress: "处理中", resolved: "已结案" },
  categoryLabels: { detractor: "贬损者", passive: "被动者", promoter: "推荐者" },
  scoreOf: (score) => zh`${score} 分（满分 10）`,
  csatOf: (csat) => zh`${csat} 分（满分 5）`,

  caseTitle: (customer) => zh`工单：${customer}`,
  backToInbox: "返回工单列表",
  answerHeading: "顾客的回答",
  detailsHeading: "工单信息",
  scoreLabel: "分数",
  csatLabel: "满意度",
  commentLabel: "意见",
  propertiesLabel: "订单信息",
  segmentMark: "分组",
  noProperties: "无",
  customerLabel: "顾客",
  campaignLabel: "问卷活动",
  statusLabel: "状态",
  ownerLabel: "负责人",
  openedLabel: "创建时间",
  dueLabel: "回复期限",
  firstResponseLabel: "首次回复",
  noResponseYet: "尚未回复",
  respondedAfter: (duration, within) => zh`用时 ${duration}（${within ? "在期限内" : "已逾期"}）`,
  resolutionLabel: "处理结果",
  resolvedOn: (at) => zh`结案于 ${at}`,
  you: "（您）",
  hours: (h) => zh`${h} 小时`,
  minutes: (m) => zh`${m} 分钟`,

  timelineHeading: "处理记录",
  bySystem: "open-nps 系统",
  byApiKey: (id) => zh`API 密钥 ${id}`,
  entryLabels: {
    opened: "创建工单",
    alerted: "已通知负责人",
    answer_updated: "顾客修改了回答",
    rule_no_longer_met: "修改后的回答已不符合跟进规则；工单保留，待人工结案",
    status_changed: "状态变更",
    owner_changed: "负责人变更",
    note: "备注",
    reply: "已向顾客发送回复",
  },
  statusChangedTo: (status) => zh`状态改为“${status}”`,
  ownerChangedTo: (owner) => zh`负责人改为 ${owner}`,
  alertedTo: (owners) => zh`已通知负责人：${owners}`,

  actionsHeading: "处理工单",
  replyHeading: "回复顾客",
  replyHint: (sender, replyTo) => zh`以“${sender}”的名义发送；顾客回信时会发到 ${replyTo}。`,
  replyErased: "顾客的数据已删除，没有可回复的邮箱地址。",
  subjectLabel: "主题",
  subjectHint: "留空则使用含品牌名称的默认主题。",
  replyTextLabel: "内容",
  sendReply: "发送回复",
  noteHeading: "添加备注",
  noteHint: "仅供团队内部查看，顾客看不到备注。",
  noteLabel: "备注",
  addNote: "添加备注",
  ownerHeading: "负责人",
  assignToMe: "分配给我",
  newOwnerLabel: "分配给",
  newOwnerHint: "请输入邮箱地址；顾客的回信会发给此人。",
  changeOwner: "更换负责人",
  statusHeading: "状态",
  resolutionFieldLabel: "处理结果",
  resolutionHint: "说明为顾客做了什么处理。结案时必填。",
  resolve: "结案",
  markInProgress: "标记为处理中",
  reopen: "重新打开工单",
  reopenHint: "重新打开后，处理结果会被清除，处理记录中仍会保留。",

  fieldErrors: {
    textEmpty: "请先输入内容。",
    textTooLong: (max) => zh`请勿超过 ${max} 个字符。`,
    subjectInvalid: "主题须为单行，且不超过 200 个字符。",
    resolutionRequired: "结案前请说明处理结果。",
    ownerInvalid: "请输入邮箱地址，例如 name@example.com。",
  },
  formHasErrors: "请修改下方标出的字段。",
  staleCase: "在您打开期间，有其他人修改了这个工单。以下是工单当前的内容，请确认后再操作一次。",
  cannotReply: "无法发送回复。",
  notices: {
    note: "已添加备注。",
    reply: "已向顾客发送回复。",
    owner: "已更换负责人。",
    resolved: "工单已结案。",
    reopened: "工单已重新打开。",
    in_progress: "工单已标记为处理中。",
  },
};

const caseMessages: Record<Locale, CaseMessages> = { en, "zh-Hant": zhHant, "zh-Hans": zhHans };

export function caseMessagesFor(locale: Locale): CaseMessages {
  return caseMessages[locale];
}

/** NPS's three groups: 0–6 detractors, 7–8 passives, 9–10 promoters. */
export const scoreCategoryOf = (score: number): ScoreCategory =>
  score <= 6 ? "detractor" : score <= 8 ? "passive" : "promoter";
