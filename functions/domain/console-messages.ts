import type { Campaign, Locale } from "./campaign";
import type { UserRole } from "./console-access";
import { zh } from "./messages";

/**
 * Every string of the console (`/app`) and of its sign-in email, in each locale. Plain text: the
 * renderers escape them. Checked against this type, so a key missing from one locale does not compile.
 */
export type ConsoleMessages = {
  readonly productName: string;
  readonly skipToContent: string;
  readonly mainNavigation: string;
  readonly navCampaigns: string;
  readonly navCases: string;
  readonly navWebhooks: string;
  readonly navApiKeys: string;
  readonly navUsers: string;
  readonly languageLabel: string;
  readonly signOut: string;
  readonly signedInAs: (email: string) => string;

  readonly signInTitle: string;
  readonly signInIntro: string;
  readonly emailLabel: string;
  readonly emailHint: string;
  readonly sendLinkButton: string;
  readonly emailInvalid: string;
  readonly checkEmailTitle: string;
  readonly checkEmailBody: (email: string, minutes: number) => string;
  readonly checkEmailHint: string;
  readonly sendAnotherLink: string;
  readonly signedOutNotice: string;
  readonly linkTitle: string;
  readonly linkBody: (email: string) => string;
  readonly linkButton: string;
  readonly linkUsedTitle: string;
  readonly linkExpiredTitle: string;
  readonly linkUnusableBody: (minutes: number) => string;
  readonly tooManyLinksTitle: string;
  readonly tooManyLinksBody: string;

  readonly signInEmailSubject: string;
  readonly signInEmailIntro: string;
  readonly signInEmailButton: string;
  readonly signInEmailExpiry: (minutes: number) => string;
  readonly signInEmailIgnore: string;

  readonly campaignsTitle: string;
  readonly campaignsCaption: string;
  readonly columnName: string;
  readonly columnStatus: string;
  readonly columnCreated: string;
  readonly statusLabels: Readonly<Record<Campaign["status"], string>>;
  readonly noCampaigns: string;
  readonly noCampaignsHint: string;
  readonly olderCampaigns: string;
  readonly firstPage: string;

  readonly usersTitle: string;
  readonly usersCaption: string;
  readonly columnEmail: string;
  readonly columnRole: string;
  readonly columnAdded: string;
  readonly columnActions: string;
  readonly roleLabels: Readonly<Record<UserRole, string>>;
  readonly roleHint: string;
  readonly you: string;
  readonly addUserHeading: string;
  readonly addAsAdmin: string;
  readonly addUserButton: string;
  readonly removeUser: string;
  readonly removeUserButton: (email: string) => string;
  readonly userAdded: (email: string) => string;
  readonly userRemoved: (email: string) => string;
  readonly userExists: (email: string) => string;
  readonly cannotRemoveYourself: string;

  readonly forbiddenTitle: string;
  readonly forbiddenBody: string;
  readonly crossSiteTitle: string;
  readonly crossSiteBody: string;
  readonly notFoundTitle: string;
  readonly notFoundBody: string;
  readonly badRequestTitle: string;
  readonly badRequestBody: string;
  readonly busyTitle: string;
  readonly busyBody: string;
  readonly serverErrorTitle: string;
  readonly serverErrorBody: string;
  readonly backToConsole: string;
};

const PRODUCT = "open-nps";

const en: ConsoleMessages = {
  productName: PRODUCT,
  skipToContent: "Skip to content",
  mainNavigation: "Main",
  navCampaigns: "Campaigns",
  navCases: "Cases",
  navWebhooks: "Webhooks",
  navApiKeys: "API keys",
  navUsers: "Users",
  languageLabel: "Language",
  signOut: "Sign out",
  signedInAs: (email) => `Signed in as ${email}`,

  signInTitle: "Sign in",
  signInIntro: "Enter your work email address and we'll email you a link that signs you in.",
  emailLabel: "Email address",
  emailHint: "The address an admin added you with.",
  sendLinkButton: "Email me a sign-in link",
  emailInvalid: "Enter an email address, like name@example.com.",
  checkEmailTitle: "Check your email",
  checkEmailBody: (email, minutes) =>
    `If ${email} may use this console, a sign-in link is on its way. It works once, within ${minutes} minutes.`,
  checkEmailHint:
    "Nothing after a few minutes? Look in your spam folder, or ask an admin to add your address.",
  sendAnotherLink: "Send another link",
  signedOutNotice: "You're signed out.",
  linkTitle: "Sign in to open-nps",
  linkBody: (email) => `You're signing in as ${email}.`,
  linkButton: "Sign in",
  linkUsedTitle: "This sign-in link has been used",
  linkExpiredTitle: "This sign-in link has expired",
  linkUnusableBody: (minutes) =>
    `A sign-in link works once, within ${minutes} minutes of being sent. Ask for a new one below.`,
  tooManyLinksTitle: "Too many sign-in links",
  tooManyLinksBody:
    "Too many sign-in links were asked for in the last hour. Please wait a while and try again.",

  signInEmailSubject: "Your sign-in link for open-nps",
  signInEmailIntro: "Here is your link to sign in to the open-nps console.",
  signInEmailButton: "Sign in to open-nps",
  signInEmailExpiry: (minutes) => `The link works once, within ${minutes} minutes.`,
  signInEmailIgnore: "Didn't ask for it? Ignore this email: nobody can sign in without the link.",

  campaignsTitle: "Campaigns",
  campaignsCaption: "Campaigns, newest first",
  columnName: "Name",
  columnStatus: "Status",
  columnCreated: "Created",
  statusLabels: { active: "Active", paused: "Paused", archived: "Archived" },
  noCampaigns: "No campaigns yet.",
  noCampaignsHint: "Create one through the API (POST /v1/campaigns); it shows here at once.",
  olderCampaigns: "Older campaigns",
  firstPage: "Newest campaigns",

  usersTitle: "Users",
  usersCaption: "People who can sign in to this console",
  columnEmail: "Email address",
  columnRole: "Role",
  columnAdded: "Added",
  columnActions: "Actions",
  roleLabels: { admin: "Admin", member: "Member" },
  roleHint: "Admins can do everything; members can't open API keys, users or webhooks.",
  you: " (you)",
  addUserHeading: "Add a user",
  addAsAdmin: "Admin",
  addUserButton: "Add user",
  removeUser: "Remove",
  removeUserButton: (email) => `Remove ${email}`,
  userAdded: (email) => `${email} can now sign in.`,
  userRemoved: (email) => `${email} was removed and signed out.`,
  userExists: (email) => `${email} is a user already.`,
  cannotRemoveYourself: "You can't remove yourself: ask another admin.",

  forbiddenTitle: "You don't have access to this page",
  forbiddenBody: "This page is for admins. Ask an admin if you need it.",
  crossSiteTitle: "Request refused",
  crossSiteBody:
    "The form was not sent from this console's own page, so nothing was done. Open the console and try again.",
  notFoundTitle: "Page not found",
  notFoundBody: "There is no page at this address.",
  badRequestTitle: "We couldn't read that",
  badRequestBody: "What was sent is not a form of this console. Go back and try again.",
  busyTitle: "We're busy right now",
  busyBody: "Nothing was changed. Please try again in a moment.",
  serverErrorTitle: "Something went wrong",
  serverErrorBody: "We couldn't complete your request. Please try again in a moment.",
  backToConsole: "Back to the console",
};

const zhHant: ConsoleMessages = {
  productName: PRODUCT,
  skipToContent: "跳至主要內容",
  mainNavigation: "主選單",
  navCampaigns: "問卷活動",
  navCases: "案件",
  navWebhooks: "Webhook",
  navApiKeys: "API 金鑰",
  navUsers: "使用者",
  languageLabel: "語言",
  signOut: "登出",
  signedInAs: (email) => zh`已登入：${email}`,

  signInTitle: "登入",
  signInIntro: "請輸入您的公司電子郵件地址，我們會寄給您一個登入連結。",
  emailLabel: "電子郵件地址",
  emailHint: "管理員為您加入時使用的地址。",
  sendLinkButton: "寄送登入連結給我",
  emailInvalid: "請輸入電子郵件地址，例如 name@example.com。",
  checkEmailTitle: "請查看您的電子郵件",
  checkEmailBody: (email, minutes) =>
    zh`如果 ${email} 可以使用這個管理介面，登入連結已經寄出。連結只能使用一次，${minutes}分鐘內有效。`,
  checkEmailHint: "幾分鐘後仍未收到？請查看垃圾郵件匣，或請管理員加入您的地址。",
  sendAnotherLink: "再寄一次連結",
  signedOutNotice: "您已登出。",
  linkTitle: "登入 open-nps",
  linkBody: (email) => zh`您將以 ${email} 登入。`,
  linkButton: "登入",
  linkUsedTitle: "這個登入連結已使用過",
  linkExpiredTitle: "這個登入連結已過期",
  linkUnusableBody: (minutes) =>
    zh`登入連結只能使用一次，且須在寄出後${minutes}分鐘內使用。請在下方索取新的連結。`,
  tooManyLinksTitle: "登入連結索取次數過多",
  tooManyLinksBody: "過去一小時內索取的登入連結太多了，請稍候再試。",

  signInEmailSubject: "您的 open-nps 登入連結",
  signInEmailIntro: "這是您登入 open-nps 管理介面的連結。",
  signInEmailButton: "登入 open-nps",
  signInEmailExpiry: (minutes) => zh`連結只能使用一次，${minutes}分鐘內有效。`,
  signInEmailIgnore: "如果您沒有索取這個連結，請忽略這封信：沒有這個連結，任何人都無法登入。",

  campaignsTitle: "問卷活動",
  campaignsCaption: "問卷活動，最新的在前",
  columnName: "名稱",
  columnStatus: "狀態",
  columnCreated: "建立日期",
  statusLabels: { active: "進行中", paused: "已暫停", archived: "已封存" },
  noCampaigns: "還沒有問卷活動。",
  noCampaignsHint: "請透過 API（POST /v1/campaigns）建立，建立後會立即顯示在這裡。",
  olderCampaigns: "較舊的問卷活動",
  firstPage: "最新的問卷活動",

  usersTitle: "使用者",
  usersCaption: "可以登入這個管理介面的人",
  columnEmail: "電子郵件地址",
  columnRole: "角色",
  columnAdded: "加入日期",
  columnActions: "操作",
  roleLabels: { admin: "管理員", member: "成員" },
  roleHint: "管理員可以使用所有功能；成員無法開啟 API 金鑰、使用者與 Webhook 頁面。",
  you: "（您）",
  addUserHeading: "新增使用者",
  addAsAdmin: "管理員",
  addUserButton: "新增使用者",
  removeUser: "移除",
  removeUserButton: (email) => zh`移除 ${email}`,
  userAdded: (email) => zh`${email} 現在可以登入了。`,
  userRemoved: (email) => zh`已移除 ${email}，並將其登出。`,
  userExists: (email) => zh`${email} 已經是使用者。`,
  cannotRemoveYourself: "您無法移除自己，請找另一位管理員。",

  forbiddenTitle: "您沒有權限開啟這個頁面",
  forbiddenBody: "這個頁面僅供管理員使用。如有需要，請洽管理員。",
  crossSiteTitle: "已拒絕這個要求",
  crossSiteBody: "這份表單並非從本管理介面的頁面送出，因此沒有進行任何變更。請開啟管理介面後再試一次。",
  notFoundTitle: "找不到頁面",
  notFoundBody: "這個網址沒有頁面。",
  badRequestTitle: "無法讀取送出的內容",
  badRequestBody: "送出的內容不是本管理介面的表單。請返回後再試一次。",
  busyTitle: "目前系統忙碌中",
  busyBody: "沒有進行任何變更，請稍後再試。",
  serverErrorTitle: "發生錯誤",
  serverErrorBody: "目前無法完成您的要求，請稍後再試。",
  backToConsole: "返回管理介面",
};

const zhHans: ConsoleMessages = {
  productName: PRODUCT,
  skipToContent: "跳到主要内容",
  mainNavigation: "主菜单",
  navCampaigns: "调查活动",
  navCases: "工单",
  navWebhooks: "Webhook",
  navApiKeys: "API 密钥",
  navUsers: "用户",
  languageLabel: "语言",
  signOut: "退出登录",
  signedInAs: (email) => zh`已登录：${email}`,

  signInTitle: "登录",
  signInIntro: "请输入您的工作邮箱地址，我们会给您发送一个登录链接。",
  emailLabel: "邮箱地址",
  emailHint: "管理员添加您时使用的地址。",
  sendLinkButton: "给我发送登录链接",
  emailInvalid: "请输入邮箱地址，例如 name@example.com。",
  checkEmailTitle: "请查收邮件",
  checkEmailBody: (email, minutes) =>
    zh`如果 ${email} 可以使用本控制台，登录链接已经发出。链接只能使用一次，${minutes}分钟内有效。`,
  checkEmailHint: "几分钟后仍未收到？请查看垃圾邮件，或请管理员添加您的地址。",
  sendAnotherLink: "重新发送链接",
  signedOutNotice: "您已退出登录。",
  linkTitle: "登录 open-nps",
  linkBody: (email) => zh`您将以 ${email} 登录。`,
  linkButton: "登录",
  linkUsedTitle: "该登录链接已被使用",
  linkExpiredTitle: "该登录链接已过期",
  linkUnusableBody: (minutes) =>
    zh`登录链接只能使用一次，且须在发出后${minutes}分钟内使用。请在下方重新获取。`,
  tooManyLinksTitle: "登录链接请求过多",
  tooManyLinksBody: "过去一小时内请求的登录链接过多，请稍后再试。",

  signInEmailSubject: "您的 open-nps 登录链接",
  signInEmailIntro: "这是您登录 open-nps 控制台的链接。",
  signInEmailButton: "登录 open-nps",
  signInEmailExpiry: (minutes) => zh`链接只能使用一次，${minutes}分钟内有效。`,
  signInEmailIgnore: "如果您没有请求该链接，请忽略这封邮件：没有该链接，任何人都无法登录。",

  campaignsTitle: "调查活动",
  campaignsCaption: "调查活动，最新的在前",
  columnName: "名称",
  columnStatus: "状态",
  columnCreated: "创建日期",
  statusLabels: { active: "进行中", paused: "已暂停", archived: "已归档" },
  noCampaigns: "还没有调查活动。",
  noCampaignsHint: "请通过 API（POST /v1/campaigns）创建，创建后会立即显示在这里。",
  olderCampaigns: "更早的调查活动",
  firstPage: "最新的调查活动",

  usersTitle: "用户",
  usersCaption: "可以登录本控制台的人",
  columnEmail: "邮箱地址",
  columnRole: "角色",
  columnAdded: "添加日期",
  columnActions: "操作",
  roleLabels: { admin: "管理员", member: "成员" },
  roleHint: "管理员可以使用所有功能；成员无法打开 API 密钥、用户和 Webhook 页面。",
  you: "（您）",
  addUserHeading: "添加用户",
  addAsAdmin: "管理员",
  addUserButton: "添加用户",
  removeUser: "移除",
  removeUserButton: (email) => zh`移除 ${email}`,
  userAdded: (email) => zh`${email} 现在可以登录了。`,
  userRemoved: (email) => zh`已移除 ${email}，并使其退出登录。`,
  userExists: (email) => zh`${email} 已经是用户。`,
  cannotRemoveYourself: "您不能移除自己，请联系另一位管理员。",

  forbiddenTitle: "您无权打开该页面",
  forbiddenBody: "该页面仅供管理员使用。如有需要，请联系管理员。",
  crossSiteTitle: "请求已被拒绝",
  crossSiteBody: "该表单并非从本控制台的页面提交，因此未做任何更改。请打开控制台后重试。",
  notFoundTitle: "页面不存在",
  notFoundBody: "该地址没有页面。",
  badRequestTitle: "无法读取提交的内容",
  badRequestBody: "提交的内容不是本控制台的表单。请返回后重试。",
  busyTitle: "系统繁忙",
  busyBody: "未做任何更改，请稍后再试。",
  serverErrorTitle: "出错了",
  serverErrorBody: "暂时无法完成您的请求，请稍后再试。",
  backToConsole: "返回控制台",
};

const consoleMessages: Record<Locale, ConsoleMessages> = { en, "zh-Hant": zhHant, "zh-Hans": zhHans };

export function consoleMessagesFor(locale: Locale): ConsoleMessages {
  return consoleMessages[locale];
}
