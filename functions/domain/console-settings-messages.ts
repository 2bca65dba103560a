import type { CampaignSettings, Locale } from "./campaign";
import { zh } from "./messages";
import type { DeliveryStatus, WebhookEventType, WebhookStatus } from "./webhook";

/**
 * The strings of the console's campaign form (with its alert rules), webhook and API key pages, in
 * each locale. Plain text: the renderers escape them. A key missing from one locale does not compile.
 */

/** A form field's label and the hint under it. */
export type FieldText = { readonly label: string; readonly hint?: string };

/** The campaign form's fields, by the name the form posts them under. */
export type CampaignFormField =
  | "name"
  | "brandName"
  | "senderName"
  | "locale"
  | "status"
  | "delayDays"
  | "followUpDays"
  | "reminderDays"
  | "throttleDays"
  | "csat"
  | "segmentBy"
  | "subject"
  | "intro"
  | "thankYouNote"
  | "promoterLink.url"
  | "promoterLink.label"
  | "logoUrl"
  | "accentColor"
  | "followUp.on"
  | "followUp.maxScore"
  | "followUp.maxCsat"
  | "followUp.owners"
  | "followUp.targetHours"
  | "followUp.slackWebhookUrl";

export type SettingsMessages = {
  readonly fields: Readonly<Record<CampaignFormField, FieldText>>;
  readonly localeNames: Readonly<Record<Locale, string>>;
  readonly statusNames: Readonly<Record<CampaignSettings["status"], string>>;
  readonly newCampaignLink: string;
  readonly newCampaignTitle: string;
  readonly editCampaignTitle: string;
  readonly sectionBasics: string;
  readonly sectionTiming: string;
  readonly sectionTexts: string;
  readonly sectionLook: string;
  readonly sectionAlerts: string;
  readonly alertsIntro: string;
  readonly optional: string;
  readonly perLanguageNote: string;
  readonly attributesNote: (count: number) => string;
  readonly onlyNote: string;
  readonly maxCsatNone: string;
  readonly createButton: string;
  readonly saveButton: string;
  readonly cancel: string;
  readonly viewResults: string;
  readonly backToCampaigns: string;
  readonly errorSummary: string;
  /** Before an API message (English) on a page in another language; empty in English. */
  readonly fieldInvalid: string;
  /** For a typed value where the API wants a number. */
  readonly notANumber: string;
  readonly staleTitle: string;
  readonly staleBody: string;
  readonly openLatest: string;
  readonly campaignCreated: string;
  readonly campaignSaved: string;
  readonly statusChanged: Readonly<Record<CampaignSettings["status"], string>>;
  readonly statusHeading: string;
  readonly currentStatus: string;
  readonly pauseButton: string;
  readonly pauseHint: string;
  readonly resumeButton: string;
  readonly resumeHint: string;
  readonly archiveButton: string;
  readonly archiveHint: string;

  readonly webhooksTitle: string;
  readonly webhooksIntro: string;
  readonly webhooksCaption: string;
  readonly noWebhooks: string;
  readonly columnUrl: string;
  readonly columnEvents: string;
  readonly columnStatus: string;
  readonly columnCreated: string;
  readonly columnActions: string;
  readonly webhookStatusNames: Readonly<Record<WebhookStatus, string>>;
  readonly eventNames: Readonly<Record<WebhookEventType, string>>;
  readonly addWebhookHeading: string;
  readonly urlLabel: string;
  readonly urlHint: string;
  readonly eventsLegend: string;
  readonly descriptionLabel: string;
  readonly descriptionHint: string;
  readonly addWebhookButton: string;
  readonly olderWebhooks: string;
  readonly firstPage: string;
  readonly webhookCreatedTitle: string;
  readonly secretLabel: string;
  readonly secretOnce: string;
  readonly secretUse: string;
  readonly copyHint: string;
  readonly openWebhook: string;
  readonly webhookTitle: string;
  readonly detailsCaption: string;
  readonly disabledReason: string;
  readonly noDescription: string;
  readonly enableButton: string;
  readonly disableButton: string;
  readonly testButton: string;
  readonly testHint: string;
  readonly deleteButton: string;
  readonly deleteTitle: string;
  readonly deleteBody: string;
  readonly confirmDelete: string;
  readonly deliveriesHeading: string;
  readonly deliveriesCaption: string;
  readonly noDeliveries: string;
  readonly columnEvent: string;
  readonly columnAttempts: string;
  readonly columnResponse: string;
  readonly columnDuration: string;
  readonly columnNextRetry: string;
  readonly columnExcerpt: string;
  readonly deliveryStatusNames: Readonly<Record<DeliveryStatus, string>>;
  readonly noAnswer: string;
  readonly durationMs: (ms: number) => string;
  readonly attemptsCount: (count: number) => string;
  readonly retryButton: string;
  /** In place of the retry button, for a delivery whose person's data was erased. */
  readonly deliveryErased: string;
  readonly retryLabel: (event: string, at: string) => string;
  readonly olderDeliveries: string;
  readonly webhookEnabled: string;
  readonly webhookDisabled: string;
  readonly webhookDeleted: string;
  readonly testDelivered: (code: string) => string;
  readonly testFailed: (what: string) => string;
  readonly retryDelivered: (code: string) => string;
  readonly retryFailed: (what: string) => string;
  readonly backToWebhooks: string;

  readonly apiKeysTitle: string;
  readonly apiKeysIntro: string;
  readonly apiKeysCaption: string;
  readonly noApiKeys: string;
  readonly columnKeyName: string;
  readonly columnKeyId: string;
  readonly columnKeyState: string;
  readonly keyActive: string;
  readonly keyRevoked: string;
  readonly addKeyHeading: string;
  readonly keyNameLabel: string;
  readonly keyNameHint: string;
  readonly keyNameInvalid: string;
  readonly createKeyButton: string;
  readonly keyCreatedTitle: (name: string) => string;
  readonly keyLabel: string;
  readonly keyOnce: string;
  readonly revokeButton: string;
  readonly revokeLabel: (name: string) => string;
  readonly revokeHint: string;
  readonly keyRevokedNotice: (name: string) => string;
};

const en: SettingsMessages = {
  fields: {
    name: { label: "Campaign name", hint: "For you alone: customers never see it. Up to 200 characters." },
    brandName: {
      label: "Brand name",
      hint: "Your brand as customers see it in the email and on the survey page.",
    },
    senderName: {
      label: "Sender name",
      hint: "The name the email comes from. Leave empty to use the brand name.",
    },
    locale: { label: "Language", hint: "Of the emails and survey pages, unless a purchase names its own." },
    status: { label: "Start as", hint: "A paused campaign keeps purchases but holds their surveys." },
    delayDays: {
      label: "Days until the survey email",
      hint: "From the purchase, 0–365; 0.5 is 12 hours, 0 sends at once.",
    },
    followUpDays: {
      label: "Days until a follow-up survey",
      hint: "From the purchase, 1–730, more than the days above. Empty for none.",
    },
    reminderDays: {
      label: "Days until a reminder",
      hint: "After the first email, to those who have not answered, 1–30. Empty for none.",
    },
    throttleDays: {
      label: "Days between surveys to one person",
      hint: "0–365: someone surveyed within this time is not asked again. 0 turns this off.",
    },
    csat: { label: "Also ask for satisfaction (1–5)" },
    segmentBy: {
      label: "Break results down by",
      hint: "Up to 5 purchase property names, separated by commas, e.g. region, channel.",
    },
    subject: {
      label: "Email subject",
      hint: "The same in every language. Empty for the default, which names the brand.",
    },
    intro: { label: "Email introduction", hint: "Up to 1,000 characters. Empty for the default line." },
    thankYouNote: {
      label: "Thank-you note",
      hint: "Shown after answering to everyone but promoters, up to 300 characters. Empty for none.",
    },
    "promoterLink.url": {
      label: "Link for promoters",
      hint: "An https page promoters (9–10) are invited to, e.g. your reviews. Empty for none.",
    },
    "promoterLink.label": {
      label: "Text of that link",
      hint: 'Up to 80 characters, e.g. "Review us on Google".',
    },
    logoUrl: { label: "Logo URL", hint: "An https image, shown at most 200×60 px. Empty for none." },
    accentColor: {
      label: "Accent colour",
      hint: "#RRGGBB, dark enough for white text on it. Empty for the product's blue.",
    },
    "followUp.on": { label: "Open a case and alert the owners when an answer is low" },
    "followUp.maxScore": {
      label: "Highest score that opens a case",
      hint: "0–10. 6 catches every detractor.",
    },
    "followUp.maxCsat": {
      label: "Highest satisfaction that also opens a case",
      hint: "1–5, whatever the score.",
    },
    "followUp.owners": {
      label: "Owners",
      hint: "1–20 email addresses, one per line. The first owns new cases; all get the alert.",
    },
    "followUp.targetHours": {
      label: "Hours to get back to the customer",
      hint: "1–720: when a case is due.",
    },
    "followUp.slackWebhookUrl": {
      label: "Slack webhook URL",
      hint: "A Slack incoming webhook (https) that also gets each alert. Empty for none.",
    },
  },
  localeNames: {
    en: "English",
    "zh-Hant": "Traditional Chinese (繁體中文)",
    "zh-Hans": "Simplified Chinese (简体中文)",
  },
  statusNames: { active: "Active", paused: "Paused", archived: "Archived" },
  newCampaignLink: "New campaign",
  newCampaignTitle: "New campaign",
  editCampaignTitle: "Campaign settings",
  sectionBasics: "Campaign",
  sectionTiming: "Emails and timing",
  sectionTexts: "Texts customers see",
  sectionLook: "Brand look",
  sectionAlerts: "Alert rules",
  alertsIntro:
    "Close the loop: a low answer opens a case for its owners and alerts them by email within a minute.",
  optional: "optional",
  perLanguageNote: "Set per language through the API; kept as it is. Change it through the API.",
  attributesNote: (count) =>
    count === 0
      ? "Rated aspects (attributes) are set through the API: none so far."
      : `Rated aspects (attributes) are set through the API: ${count} set, kept as they are.`,
  onlyNote: "This rule also filters by purchase properties (set through the API); the filter is kept.",
  maxCsatNone: "Satisfaction alone opens no case",
  createButton: "Create campaign",
  saveButton: "Save changes",
  cancel: "Cancel",
  viewResults: "View results",
  backToCampaigns: "Back to campaigns",
  errorSummary: "Nothing was saved. Please correct the fields marked below.",
  fieldInvalid: "",
  notANumber: "must be a number, e.g. 7 or 0.5",
  staleTitle: "Someone changed this campaign meanwhile",
  staleBody:
    "It was changed after you opened this page, so your changes were not saved (they are still in the form below). Open the latest version, then make your changes again.",
  openLatest: "Open the latest version",
  campaignCreated: "Campaign created. It takes purchases from now on.",
  campaignSaved: "Changes saved.",
  statusChanged: {
    active: "The campaign is active: surveys are sent as they fall due.",
    paused: "The campaign is paused: purchases are kept, their surveys wait until you resume.",
    archived: "The campaign is archived: it refuses purchases and unsent surveys are dropped.",
  },
  statusHeading: "Status",
  currentStatus: "Now:",
  pauseButton: "Pause",
  pauseHint: "Keeps taking purchases but holds their surveys until you resume.",
  resumeButton: "Make active",
  resumeHint: "Sends surveys again as they fall due, those held while paused included.",
  archiveButton: "Archive",
  archiveHint: "Refuses new purchases and drops the surveys not yet sent.",

  webhooksTitle: "Webhooks",
  webhooksIntro:
    "A webhook sends events (answers, cases, unsubscribes) to your endpoint as they happen, signed so you can check they came from us.",
  webhooksCaption: "Webhooks, newest first",
  noWebhooks: "No webhooks yet.",
  columnUrl: "Endpoint",
  columnEvents: "Events",
  columnStatus: "Status",
  columnCreated: "Created",
  columnActions: "Actions",
  webhookStatusNames: { enabled: "Enabled", disabled: "Disabled" },
  eventNames: {
    "response.created": "An answer arrives",
    "response.updated": "An answer is changed",
    "case.opened": "A case is opened",
    "case.updated": "A case changes",
    "person.unsubscribed": "Someone unsubscribes",
    "person.suppressed": "An address is suppressed (bounce, complaint)",
  },
  addWebhookHeading: "Add a webhook",
  urlLabel: "Endpoint URL",
  urlHint: "An https URL on the public internet that accepts POST requests.",
  eventsLegend: "Events to send",
  descriptionLabel: "Description",
  descriptionHint: "What the endpoint is for, up to 200 characters.",
  addWebhookButton: "Add webhook",
  olderWebhooks: "Older webhooks",
  firstPage: "First page",
  webhookCreatedTitle: "Webhook added",
  secretLabel: "Signing secret",
  secretOnce:
    "Copy it now: this is the only time it is shown. It stays stored to sign deliveries, but no page or API shows it again; if it is lost, delete the webhook and add it again.",
  secretUse: "Your endpoint checks each delivery's webhook-signature header with it (Standard Webhooks).",
  copyHint: "Select the text, then copy it (Ctrl+C, or ⌘C on a Mac).",
  openWebhook: "Open the webhook and send a test event",
  webhookTitle: "Webhook",
  detailsCaption: "Details",
  disabledReason: "Why it is disabled",
  noDescription: "No description",
  enableButton: "Enable",
  disableButton: "Disable",
  testButton: "Send test event",
  testHint: "Sends a signed webhook.test event now and records it in the log below.",
  deleteButton: "Delete webhook…",
  deleteTitle: "Delete this webhook?",
  deleteBody:
    "Nothing more is sent to this endpoint, deliveries waiting for a retry are dropped, and the delivery log goes with it. This cannot be undone.",
  confirmDelete: "Delete webhook",
  deliveriesHeading: "Delivery log",
  deliveriesCaption: "Deliveries of the last 30 days, newest first",
  noDeliveries: "Nothing delivered yet. Send a test event to try the endpoint.",
  columnEvent: "Event",
  columnAttempts: "Attempts",
  columnResponse: "Last answer",
  columnDuration: "Time",
  columnNextRetry: "Next retry",
  columnExcerpt: "Answer excerpt",
  deliveryStatusNames: {
    pending: "Pending",
    delivered: "Delivered",
    failed: "Failed",
    cancelled: "Cancelled",
  },
  noAnswer: "no answer",
  durationMs: (ms) => `${ms.toLocaleString("en")} ms`,
  attemptsCount: (count) => String(count),
  retryButton: "Retry now",
  deliveryErased: "Person erased: not sent again",
  retryLabel: (event, at) => `Retry now: the ${event} delivery of ${at}`,
  olderDeliveries: "Older deliveries",
  webhookEnabled: "Webhook enabled: events are delivered again.",
  webhookDisabled: "Webhook disabled: nothing is delivered until you enable it.",
  webhookDeleted: "Webhook deleted.",
  testDelivered: (code) => `Test event delivered: the endpoint answered ${code}.`,
  testFailed: (what) => `The test event was not delivered: ${what}. See the log below.`,
  retryDelivered: (code) => `Delivered on retry: the endpoint answered ${code}.`,
  retryFailed: (what) => `The retry failed: ${what}. Its scheduled retries go on as before.`,
  backToWebhooks: "Back to webhooks",

  apiKeysTitle: "API keys",
  apiKeysIntro:
    "Your systems call the API with a key, sent as the header Authorization: Bearer <key>. Give each system its own, so that one can be revoked alone.",
  apiKeysCaption: "API keys, newest first",
  noApiKeys: "No API keys yet.",
  columnKeyName: "Name",
  columnKeyId: "Id",
  columnKeyState: "State",
  keyActive: "Active",
  keyRevoked: "Revoked",
  addKeyHeading: "Create an API key",
  keyNameLabel: "Name",
  keyNameHint: "Which system uses it, e.g. Shop or Zapier: up to 100 characters.",
  keyNameInvalid: "Give the key a name of 1 to 100 printable characters.",
  createKeyButton: "Create key",
  keyCreatedTitle: (name) => `API key “${name}” created`,
  keyLabel: "The new key",
  keyOnce:
    "Copy it now: only a hash of it is stored, so it cannot be shown again. If it is lost, revoke it and create another.",
  revokeButton: "Revoke",
  revokeLabel: (name) => `Revoke the key ${name}`,
  revokeHint: "A revoked key stops working at once: requests with it get 401.",
  keyRevokedNotice: (name) => `Key “${name}” revoked: requests with it now get 401.`,
};

const zhHant: SettingsMessages = {
  fields: {
    name: { label: "活動名稱", hint: "僅供您辨識，顧客看不到。最多 200 字。" },
    brandName: { label: "品牌名稱", hint: "顧客在郵件與問卷頁面上看到的品牌。" },
    senderName: { label: "寄件人名稱", hint: "郵件的寄件人顯示名稱。留空即使用品牌名稱。" },
    locale: { label: "語言", hint: "郵件與問卷頁面的語言；訂單若指定語言則以訂單為準。" },
    status: { label: "建立後狀態", hint: "暫停中的活動仍會接收訂單，但問卷會先保留不寄出。" },
    delayDays: { label: "幾天後寄出問卷", hint: "自購買起算，0–365 天；0.5 即 12 小時，0 為立即寄出。" },
    followUpDays: { label: "幾天後寄出追蹤問卷", hint: "自購買起算，1–730 天，須多於上一欄。留空表示不寄。" },
    reminderDays: {
      label: "幾天後寄出提醒",
      hint: "第一封郵件後，提醒尚未回覆者，1–30 天。留空表示不提醒。",
    },
    throttleDays: {
      label: "同一人兩次問卷的間隔天數",
      hint: "0–365：在此期間內已收過問卷者不再寄送。0 表示不限制。",
    },
    csat: { label: "同時詢問滿意度（1–5 分）" },
    segmentBy: { label: "結果分組依據", hint: "最多 5 個訂單屬性名稱，以逗號分隔，例如 region, channel。" },
    subject: { label: "郵件主旨", hint: "所有語言共用。留空則使用預設主旨（含品牌名稱）。" },
    intro: { label: "郵件開頭文字", hint: "最多 1,000 字。留空則使用預設文字。" },
    thankYouNote: { label: "感謝訊息", hint: "回答後顯示給推薦者以外的顧客，最多 300 字。留空表示不顯示。" },
    "promoterLink.url": {
      label: "給推薦者的連結",
      hint: "邀請推薦者（9–10 分）前往的 https 頁面，例如評論頁。留空表示不顯示。",
    },
    "promoterLink.label": { label: "連結文字", hint: "最多 80 字，例如「在 Google 上留下評論」。" },
    logoUrl: { label: "標誌網址", hint: "https 圖片，最大顯示 200×60 像素。留空表示不顯示。" },
    accentColor: { label: "主題色", hint: "#RRGGBB，需夠深以搭配白色文字。留空則使用預設藍色。" },
    "followUp.on": { label: "分數偏低時開立案件並通知負責人" },
    "followUp.maxScore": { label: "開立案件的最高分數", hint: "0–10。6 分即涵蓋所有批評者。" },
    "followUp.maxCsat": { label: "同樣開立案件的最高滿意度", hint: "1–5，不論推薦分數。" },
    "followUp.owners": {
      label: "負責人",
      hint: "1–20 個電子郵件地址，每行一個。第一位負責新案件，所有人都會收到通知。",
    },
    "followUp.targetHours": { label: "回覆顧客的時限（小時）", hint: "1–720：案件的到期時間。" },
    "followUp.slackWebhookUrl": {
      label: "Slack Webhook 網址",
      hint: "同時接收通知的 Slack incoming webhook（https）。留空表示不使用。",
    },
  },
  localeNames: { en: "英文 (English)", "zh-Hant": "繁體中文", "zh-Hans": "簡體中文" },
  statusNames: { active: "進行中", paused: "已暫停", archived: "已封存" },
  newCampaignLink: "新增問卷活動",
  newCampaignTitle: "新增問卷活動",
  editCampaignTitle: "問卷活動設定",
  sectionBasics: "活動",
  sectionTiming: "郵件與時間",
  sectionTexts: "顧客看到的文字",
  sectionLook: "品牌外觀",
  sectionAlerts: "通知規則",
  alertsIntro: "完成回饋循環：分數偏低的回覆會開立案件，並在一分鐘內以郵件通知負責人。",
  optional: "選填",
  perLanguageNote: "已透過 API 依語言分別設定，將保持不變；如需修改請使用 API。",
  attributesNote: (count) =>
    count === 0
      ? "評分項目（attributes）需透過 API 設定，目前沒有。"
      : zh`評分項目（attributes）需透過 API 設定：已設定 ${count} 項，將保持不變。`,
  onlyNote: "此規則另依訂單屬性篩選（透過 API 設定），篩選條件將保持不變。",
  maxCsatNone: "不單以滿意度開立案件",
  createButton: "建立活動",
  saveButton: "儲存變更",
  cancel: "取消",
  viewResults: "查看結果",
  backToCampaigns: "返回問卷活動列表",
  errorSummary: "尚未儲存。請修正下方標示的欄位。",
  fieldInvalid: "此欄有誤：",
  notANumber: "請輸入數字，例如 7 或 0.5",
  staleTitle: "有人在此期間修改了這個活動",
  staleBody:
    "您開啟此頁面後，活動已被修改，因此您的變更尚未儲存（仍保留在下方表單中）。請開啟最新版本，再重新修改。",
  openLatest: "開啟最新版本",
  campaignCreated: "活動已建立，從現在起開始接收訂單。",
  campaignSaved: "變更已儲存。",
  statusChanged: {
    active: "活動進行中：問卷將依時寄出。",
    paused: "活動已暫停：訂單仍會保留，問卷將在恢復後寄出。",
    archived: "活動已封存：不再接收訂單，尚未寄出的問卷將取消。",
  },
  statusHeading: "狀態",
  currentStatus: "目前：",
  pauseButton: "暫停",
  pauseHint: "仍接收訂單，但問卷先保留，直到恢復為止。",
  resumeButton: "恢復進行",
  resumeHint: "問卷將再次依時寄出，包括暫停期間保留的問卷。",
  archiveButton: "封存",
  archiveHint: "不再接收新訂單，並取消尚未寄出的問卷。",

  webhooksTitle: "Webhook",
  webhooksIntro: "Webhook 會在事件發生時（回覆、案件、取消訂閱）傳送到您的端點，並附上簽章，讓您確認來源。",
  webhooksCaption: "Webhook（由新到舊）",
  noWebhooks: "尚未設定 Webhook。",
  columnUrl: "端點",
  columnEvents: "事件",
  columnStatus: "狀態",
  columnCreated: "建立日期",
  columnActions: "操作",
  webhookStatusNames: { enabled: "已啟用", disabled: "已停用" },
  eventNames: {
    "response.created": "收到回覆",
    "response.updated": "回覆被修改",
    "case.opened": "開立案件",
    "case.updated": "案件有變更",
    "person.unsubscribed": "有人取消訂閱",
    "person.suppressed": "地址被停止寄送（退信、投訴）",
  },
  addWebhookHeading: "新增 Webhook",
  urlLabel: "端點網址",
  urlHint: "公開網路上可接收 POST 請求的 https 網址。",
  eventsLegend: "要傳送的事件",
  descriptionLabel: "說明",
  descriptionHint: "此端點的用途，最多 200 字。",
  addWebhookButton: "新增 Webhook",
  olderWebhooks: "較舊的 Webhook",
  firstPage: "第一頁",
  webhookCreatedTitle: "已新增 Webhook",
  secretLabel: "簽章密鑰",
  secretOnce:
    "請立即複製：此密鑰只會顯示這一次。系統會保存它來簽署傳送內容，但任何頁面或 API 都不會再顯示；若遺失，請刪除此 Webhook 後重新新增。",
  secretUse: "您的端點用它驗證每次傳送的 webhook-signature 標頭（Standard Webhooks）。",
  copyHint: "選取文字後複製（Ctrl+C，Mac 為 ⌘C）。",
  openWebhook: "開啟此 Webhook 並傳送測試事件",
  webhookTitle: "Webhook",
  detailsCaption: "詳細資料",
  disabledReason: "停用原因",
  noDescription: "沒有說明",
  enableButton: "啟用",
  disableButton: "停用",
  testButton: "傳送測試事件",
  testHint: "立即傳送一個已簽章的 webhook.test 事件，並記錄在下方的傳送記錄中。",
  deleteButton: "刪除 Webhook…",
  deleteTitle: "要刪除此 Webhook 嗎？",
  deleteBody: "將不再傳送任何事件到此端點，等待重試的傳送會取消，傳送記錄也會一併刪除。此操作無法復原。",
  confirmDelete: "刪除 Webhook",
  deliveriesHeading: "傳送記錄",
  deliveriesCaption: "最近 30 天的傳送（由新到舊）",
  noDeliveries: "尚無傳送記錄。傳送測試事件以試試此端點。",
  columnEvent: "事件",
  columnAttempts: "嘗試次數",
  columnResponse: "最後回應",
  columnDuration: "耗時",
  columnNextRetry: "下次重試",
  columnExcerpt: "回應摘錄",
  deliveryStatusNames: { pending: "等待中", delivered: "已送達", failed: "失敗", cancelled: "已取消" },
  noAnswer: "無回應",
  durationMs: (ms) => `${ms.toLocaleString("zh-Hant")} 毫秒`,
  attemptsCount: (count) => zh`${count} 次`,
  retryButton: "立即重試",
  deliveryErased: "個人資料已清除，不再傳送",
  retryLabel: (event, at) => zh`立即重試：${at} 的 ${event} 傳送`,
  olderDeliveries: "較舊的傳送",
  webhookEnabled: "Webhook 已啟用：將恢復傳送事件。",
  webhookDisabled: "Webhook 已停用：重新啟用前不會傳送任何事件。",
  webhookDeleted: "Webhook 已刪除。",
  testDelivered: (code) => zh`測試事件已送達：端點回應 ${code}。`,
  testFailed: (what) => zh`測試事件未送達：${what}。請見下方記錄。`,
  retryDelivered: (code) => zh`重試成功：端點回應 ${code}。`,
  retryFailed: (what) => zh`重試失敗：${what}。原定的重試排程維持不變。`,
  backToWebhooks: "返回 Webhook 列表",

  apiKeysTitle: "API 金鑰",
  apiKeysIntro:
    "您的系統以金鑰呼叫 API，放在標頭 Authorization: Bearer <金鑰> 中。請為每個系統建立各自的金鑰，以便單獨撤銷。",
  apiKeysCaption: "API 金鑰（由新到舊）",
  noApiKeys: "尚未建立 API 金鑰。",
  columnKeyName: "名稱",
  columnKeyId: "ID",
  columnKeyState: "狀態",
  keyActive: "使用中",
  keyRevoked: "已撤銷",
  addKeyHeading: "建立 API 金鑰",
  keyNameLabel: "名稱",
  keyNameHint: "使用此金鑰的系統，例如「網路商店」或 Zapier：最多 100 字。",
  keyNameInvalid: "請為金鑰取一個 1 到 100 個可列印字元的名稱。",
  createKeyButton: "建立金鑰",
  keyCreatedTitle: (name) => `已建立 API 金鑰「${name}」`,
  keyLabel: "新的金鑰",
  keyOnce: "請立即複製：系統只保存它的雜湊值，無法再次顯示。若遺失，請撤銷後另建一個。",
  revokeButton: "撤銷",
  revokeLabel: (name) => `撤銷金鑰「${name}」`,
  revokeHint: "金鑰撤銷後立即失效：使用它的請求會收到 401。",
  keyRevokedNotice: (name) => zh`金鑰「${name}」已撤銷：使用它的請求現在會收到 401。`,
};

const zhHans: SettingsMessages = {
  fields: {
    name: { label: "活动名称", hint: "仅供您识别，顾客看不到。最多 200 字。" },
    brandName: { label: "品牌名称", hint: "顾客在邮件和问卷页面上看到的品牌。" },
    senderName: { label: "发件人名称", hint: "邮件的发件人显示名称。留空即使用品牌名称。" },
    locale: { label: "语言", hint: "邮件和问卷页面的语言；订单若指定语言则以订单为准。" },
    status: { label: "创建后状态", hint: "已暂停的活动仍会接收订单，但问卷会先保留不发送。" },
    delayDays: { label: "几天后发送问卷", hint: "从购买起算，0–365 天；0.5 即 12 小时，0 为立即发送。" },
    followUpDays: {
      label: "几天后发送跟进问卷",
      hint: "从购买起算，1–730 天，须多于上一栏。留空表示不发送。",
    },
    reminderDays: {
      label: "几天后发送提醒",
      hint: "第一封邮件后，提醒尚未回复者，1–30 天。留空表示不提醒。",
    },
    throttleDays: {
      label: "同一人两次问卷的间隔天数",
      hint: "0–365：在此期间内已收到问卷者不再发送。0 表示不限制。",
    },
    csat: { label: "同时询问满意度（1–5 分）" },
    segmentBy: { label: "结果分组依据", hint: "最多 5 个订单属性名称，用逗号分隔，例如 region, channel。" },
    subject: { label: "邮件主题", hint: "所有语言通用。留空则使用默认主题（含品牌名称）。" },
    intro: { label: "邮件开头文字", hint: "最多 1,000 字。留空则使用默认文字。" },
    thankYouNote: { label: "感谢信息", hint: "回答后显示给推荐者以外的顾客，最多 300 字。留空表示不显示。" },
    "promoterLink.url": {
      label: "给推荐者的链接",
      hint: "邀请推荐者（9–10 分）前往的 https 页面，例如评价页。留空表示不显示。",
    },
    "promoterLink.label": { label: "链接文字", hint: "最多 80 字，例如“在 Google 上留下评价”。" },
    logoUrl: { label: "标志网址", hint: "https 图片，最大显示 200×60 像素。留空表示不显示。" },
    accentColor: { label: "主题色", hint: "#RRGGBB，需足够深以搭配白色文字。留空则使用默认蓝色。" },
    "followUp.on": { label: "分数偏低时创建工单并通知负责人" },
    "followUp.maxScore": { label: "创建工单的最高分数", hint: "0–10。6 分即涵盖所有贬损者。" },
    "followUp.maxCsat": { label: "同样创建工单的最高满意度", hint: "1–5，不论推荐分数。" },
    "followUp.owners": {
      label: "负责人",
      hint: "1–20 个电子邮件地址，每行一个。第一位负责新工单，所有人都会收到通知。",
    },
    "followUp.targetHours": { label: "回复顾客的时限（小时）", hint: "1–720：工单的到期时间。" },
    "followUp.slackWebhookUrl": {
      label: "Slack Webhook 网址",
      hint: "同时接收通知的 Slack incoming webhook（https）。留空表示不使用。",
    },
  },
  localeNames: { en: "英文 (English)", "zh-Hant": "繁体中文", "zh-Hans": "简体中文" },
  statusNames: { active: "进行中", paused: "已暂停", archived: "已归档" },
  newCampaignLink: "新建调查活动",
  newCampaignTitle: "新建调查活动",
  editCampaignTitle: "调查活动设置",
  sectionBasics: "活动",
  sectionTiming: "邮件与时间",
  sectionTexts: "顾客看到的文字",
  sectionLook: "品牌外观",
  sectionAlerts: "通知规则",
  alertsIntro: "形成反馈闭环：分数偏低的回复会创建工单，并在一分钟内通过邮件通知负责人。",
  optional: "选填",
  perLanguageNote: "已通过 API 按语言分别设置，将保持不变；如需修改请使用 API。",
  attributesNote: (count) =>
    count === 0
      ? "评分项目（attributes）需通过 API 设置，目前没有。"
      : zh`评分项目（attributes）需通过 API 设置：已设置 ${count} 项，将保持不变。`,
  onlyNote: "此规则另按订单属性筛选（通过 API 设置），筛选条件将保持不变。",
  maxCsatNone: "不单以满意度创建工单",
  createButton: "创建活动",
  saveButton: "保存更改",
  cancel: "取消",
  viewResults: "查看结果",
  backToCampaigns: "返回调查活动列表",
  errorSummary: "尚未保存。请修改下方标出的字段。",
  fieldInvalid: "此字段有误：",
  notANumber: "请输入数字，例如 7 或 0.5",
  staleTitle: "有人在此期间修改了这个活动",
  staleBody:
    "您打开此页面后，活动已被修改，因此您的更改尚未保存（仍保留在下方表单中）。请打开最新版本，再重新修改。",
  openLatest: "打开最新版本",
  campaignCreated: "活动已创建，从现在起开始接收订单。",
  campaignSaved: "更改已保存。",
  statusChanged: {
    active: "活动进行中：问卷将按时发送。",
    paused: "活动已暂停：订单仍会保留，问卷将在恢复后发送。",
    archived: "活动已归档：不再接收订单，尚未发送的问卷将取消。",
  },
  statusHeading: "状态",
  currentStatus: "当前：",
  pauseButton: "暂停",
  pauseHint: "仍接收订单，但问卷先保留，直到恢复为止。",
  resumeButton: "恢复进行",
  resumeHint: "问卷将再次按时发送，包括暂停期间保留的问卷。",
  archiveButton: "归档",
  archiveHint: "不再接收新订单，并取消尚未发送的问卷。",

  webhooksTitle: "Webhook",
  webhooksIntro: "Webhook 会在事件发生时（回复、工单、退订）发送到您的端点，并附带签名，便于您确认来源。",
  webhooksCaption: "Webhook（从新到旧）",
  noWebhooks: "尚未设置 Webhook。",
  columnUrl: "端点",
  columnEvents: "事件",
  columnStatus: "状态",
  columnCreated: "创建日期",
  columnActions: "操作",
  webhookStatusNames: { enabled: "已启用", disabled: "已停用" },
  eventNames: {
    "response.created": "收到回复",
    "response.updated": "回复被修改",
    "case.opened": "创建工单",
    "case.updated": "工单有变更",
    "person.unsubscribed": "有人退订",
    "person.suppressed": "地址被停止发送（退信、投诉）",
  },
  addWebhookHeading: "添加 Webhook",
  urlLabel: "端点网址",
  urlHint: "公共网络上可接收 POST 请求的 https 网址。",
  eventsLegend: "要发送的事件",
  descriptionLabel: "说明",
  descriptionHint: "此端点的用途，最多 200 字。",
  addWebhookButton: "添加 Webhook",
  olderWebhooks: "较早的 Webhook",
  firstPage: "第一页",
  webhookCreatedTitle: "已添加 Webhook",
  secretLabel: "签名密钥",
  secretOnce:
    "请立即复制：此密钥只显示这一次。系统会保存它用于签名，但任何页面或 API 都不会再显示；如果丢失，请删除此 Webhook 后重新添加。",
  secretUse: "您的端点用它验证每次发送的 webhook-signature 标头（Standard Webhooks）。",
  copyHint: "选中文字后复制（Ctrl+C，Mac 上为 ⌘C）。",
  openWebhook: "打开此 Webhook 并发送测试事件",
  webhookTitle: "Webhook",
  detailsCaption: "详细信息",
  disabledReason: "停用原因",
  noDescription: "没有说明",
  enableButton: "启用",
  disableButton: "停用",
  testButton: "发送测试事件",
  testHint: "立即发送一个已签名的 webhook.test 事件，并记录在下方的发送记录中。",
  deleteButton: "删除 Webhook…",
  deleteTitle: "要删除此 Webhook 吗？",
  deleteBody: "将不再向此端点发送任何事件，等待重试的发送会取消，发送记录也会一并删除。此操作无法撤销。",
  confirmDelete: "删除 Webhook",
  deliveriesHeading: "发送记录",
  deliveriesCaption: "最近 30 天的发送（从新到旧）",
  noDeliveries: "还没有发送记录。发送测试事件来试试此端点。",
  columnEvent: "事件",
  columnAttempts: "尝试次数",
  columnResponse: "最后响应",
  columnDuration: "耗时",
  columnNextRetry: "下次重试",
  columnExcerpt: "响应摘录",
  deliveryStatusNames: { pending: "等待中", delivered: "已送达", failed: "失败", cancelled: "已取消" },
  noAnswer: "无响应",
  durationMs: (ms) => `${ms.toLocaleString("zh-Hans")} 毫秒`,
  attemptsCount: (count) => zh`${count} 次`,
  retryButton: "立即重试",
  deliveryErased: "个人资料已清除，不再发送",
  retryLabel: (event, at) => zh`立即重试：${at} 的 ${event} 发送`,
  olderDeliveries: "较早的发送",
  webhookEnabled: "Webhook 已启用：将恢复发送事件。",
  webhookDisabled: "Webhook 已停用：重新启用前不会发送任何事件。",
  webhookDeleted: "Webhook 已删除。",
  testDelivered: (code) => zh`测试事件已送达：端点响应 ${code}。`,
  testFailed: (what) => zh`测试事件未送达：${what}。请查看下方记录。`,
  retryDelivered: (code) => zh`重试成功：端点响应 ${code}。`,
  retryFailed: (what) => zh`重试失败：${what}。原定的重试计划保持不变。`,
  backToWebhooks: "返回 Webhook 列表",

  apiKeysTitle: "API 密钥",
  apiKeysIntro:
    "您的系统使用密钥调用 API，放在标头 Authorization: Bearer <密钥> 中。请为每个系统创建各自的密钥，以便单独撤销。",
  apiKeysCaption: "API 密钥（从新到旧）",
  noApiKeys: "尚未创建 API 密钥。",
  columnKeyName: "名称",
  columnKeyId: "ID",
  columnKeyState: "状态",
  keyActive: "使用中",
  keyRevoked: "已撤销",
  addKeyHeading: "创建 API 密钥",
  keyNameLabel: "名称",
  keyNameHint: "使用此密钥的系统，例如“网店”或 Zapier：最多 100 字。",
  keyNameInvalid: "请为密钥起一个 1 到 100 个可打印字符的名称。",
  createKeyButton: "创建密钥",
  keyCreatedTitle: (name) => `已创建 API 密钥“${name}”`,
  keyLabel: "新的密钥",
  keyOnce: "请立即复制：系统只保存它的哈希值，无法再次显示。如果丢失，请撤销后另建一个。",
  revokeButton: "撤销",
  revokeLabel: (name) => `撤销密钥“${name}”`,
  revokeHint: "密钥撤销后立即失效：使用它的请求会收到 401。",
  keyRevokedNotice: (name) => zh`密钥“${name}”已撤销：使用它的请求现在会收到 401。`,
};

const settingsMessages: Record<Locale, SettingsMessages> = { en, "zh-Hant": zhHant, "zh-Hans": zhHans };

export function settingsMessagesFor(locale: Locale): SettingsMessages {
  return settingsMessages[locale];
}
