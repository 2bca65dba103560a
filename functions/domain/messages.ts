import type { Locale } from "./locale";

/**
 * Every customer-facing string of the emails and the survey pages, in each supported locale.
 * `emailMessages` and `pageMessages` below are checked against its two parts, so a key missing from one
 * locale does not compile.
 * Values are plain text: the renderers escape them.
 */
export type Messages = EmailMessages & PageMessages;

/** The strings only the emails use. */
export type EmailMessages = {
  /** Default subject of the first email. */
  readonly emailSubject: (brand: string) => string;
  /** Default subject of the reminder. */
  readonly emailReminderSubject: (brand: string) => string;
  /** A campaign's custom subject, marked as a reminder. */
  readonly emailReminderSubjectPrefix: (subject: string) => string;
  readonly greeting: (name: string) => string;
  readonly greetingNoName: string;
  /** Default intro line when the campaign sets none. */
  readonly emailIntro: (brand: string) => string;
  /** Extra line at the top of a reminder. */
  readonly emailReminderIntro: string;
  /** Instruction above the score buttons of the HTML part. */
  readonly emailInstruction: string;
  /** Instruction above the score links of the plain-text part. */
  readonly emailTextInstruction: string;
  /** Closing lines with the sender's name; "\n" separates lines. */
  readonly emailSignOff: (sender: string) => string;
  readonly emailFooter: (brand: string) => string;
  readonly unsubscribeLinkText: string;
  /** Unsubscribe line of the plain-text part. */
  readonly unsubscribeTextLine: (url: string) => string;
};

/**
 * The strings of the survey, unsubscribe and error pages, and those the emails share with them: all the
 * survey function needs (pageMessagesFor), so its bundle carries no email text.
 */
export type PageMessages = {
  // Shared by email and survey page
  readonly npsQuestion: (brand: string) => string;
  readonly scaleLowLabel: string;
  readonly scaleHighLabel: string;
  /** Meaning of score 0 / 10 without the number, for layouts that show the number themselves. */
  readonly scoreLowMeaning: string;
  readonly scoreHighMeaning: string;

  // Survey page
  /** Survey page heading; the brand stands above it. */
  readonly pageTitle: string;
  readonly scoreLegend: string;
  readonly optionalHint: string;
  readonly csatQuestion: (brand: string) => string;
  /** Labels of CSAT 1..5, in order. */
  readonly csatLabels: readonly [string, string, string, string, string];
  readonly attributeQuestion: string;
  /** Labels of attribute ratings 1..5, in order. */
  readonly attributeLabels: readonly [string, string, string, string, string];
  readonly commentLabel: string;
  readonly submitButton: string;
  readonly updateButton: string;
  readonly thanksTitle: string;
  readonly thanksBody: string;
  readonly thanksEditHint: (days: number) => string;
  /** 410: the link is past its answering window. */
  readonly expiredTitle: string;
  readonly expiredBody: string;
  /** 404: unknown or malformed token. */
  readonly notFoundTitle: string;
  readonly notFoundBody: string;
  readonly serverErrorTitle: string;
  readonly serverErrorBody: string;
  /** 429: the service is busy (nothing was recorded). */
  readonly busyTitle: string;
  readonly busyBody: string;
  /** 429 on the survey form: shown above the answer as it was sent, ready to send again. */
  readonly busyAnswerAlert: string;
  readonly tryAgainButton: string;
  /** 413: the posted answer is over the size limit. */
  readonly tooLargeTitle: string;
  readonly tooLargeBody: string;
  /** 400 / 415: something other than the page's own form was posted. */
  readonly notAFormTitle: string;
  readonly notAFormBody: string;
  /** GET /u/{token}: confirm page. */
  readonly unsubscribeTitle: string;
  readonly unsubscribeBody: string;
  readonly unsubscribeButton: string;
  /** POST /u/{token}: done. */
  readonly unsubscribedTitle: string;
  readonly unsubscribedBody: string;
  /** Under the unsubscribed page, when the address unsubscribed itself: the way back. */
  readonly resubscribeHint: string;
  readonly resubscribeButton: string;
  /** POST /u/{token}/resubscribe: done. */
  readonly resubscribedTitle: string;
  readonly resubscribedBody: string;
  readonly errorScoreRequired: string;
  readonly errorRatingInvalid: string;
  readonly errorCommentTooLong: (maxChars: number) => string;
  /** The comment holds characters no keyboard types (control characters, broken Unicode). */
  readonly errorCommentInvalid: string;
};

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const LATIN_OR_ASCII = /[\p{Script=Latin}\x21-\x7e]/u;

const needsSpace = (before: string, after: string): boolean =>
  (CJK.test(before) && LATIN_OR_ASCII.test(after)) || (LATIN_OR_ASCII.test(before) && CJK.test(after));

/**
 * Template tag for Chinese strings: puts a space between an interpolated Latin word or number and the
 * Chinese text around it ("在 Acme 購物", "在好市多購物"), as careful Chinese typesetting does.
 */
export function zh(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  let out = strings[0] ?? "";
  values.forEach((raw, i) => {
    const value = String(raw);
    const next = strings[i + 1] ?? "";
    if (value !== "" && needsSpace(out.slice(-1), value.charAt(0))) out += " ";
    out += value;
    if (value !== "" && needsSpace(value.slice(-1), next.charAt(0))) out += " ";
    out += next;
  });
  return out;
}

/**
 * A count with its thousands grouped as `toLocaleString` groups them in every supported locale (by
 * three, with ","), written without Intl: its first use loads ICU's number data, about 10 ms of the
 * first survey page a cold function serves. The unit test holds it to `toLocaleString` per locale.
 */
const formatCount = (_locale: Locale, n: number): string =>
  String(Math.trunc(n)).replace(/\B(?=(\d{3})+$)/g, ",");

const emailMessages = {
  en: {
    emailSubject: (brand) => `${brand}: a quick question about your order`,
    emailReminderSubject: (brand) => `${brand}: we'd still love your feedback`,
    emailReminderSubjectPrefix: (subject) => `Reminder: ${subject}`,
    greeting: (name) => `Hi ${name},`,
    greetingNoName: "Hi,",
    emailIntro: (brand) => `Thank you for your recent purchase from ${brand}.`,
    emailReminderIntro: "A quick reminder: we'd love to hear from you.",
    emailInstruction: "Click a number to answer.",
    emailTextInstruction: "Open the link next to the score you choose:",
    emailSignOff: (sender) => `Thank you,\n${sender}`,
    emailFooter: (brand) => `You received this email because you bought from ${brand}.`,
    unsubscribeLinkText: "Unsubscribe",
    unsubscribeTextLine: (url) => `Unsubscribe: ${url}`,
  },
  "zh-Hant": {
    emailSubject: (brand) => zh`${brand}：想聽聽您對這次購物的看法`,
    emailReminderSubject: (brand) => zh`${brand}：再次邀請您分享這次的購物體驗`,
    emailReminderSubjectPrefix: (subject) => zh`提醒：${subject}`,
    greeting: (name) => zh`${name}，您好：`,
    greetingNoName: "您好：",
    emailIntro: (brand) => zh`感謝您最近在${brand}購物。`,
    emailReminderIntro: "溫馨提醒：我們很想聽聽您的意見。",
    emailInstruction: "請點選一個分數作答。",
    emailTextInstruction: "請開啟您所選分數旁的連結：",
    emailSignOff: (sender) => zh`謝謝您！\n${sender} 敬上`,
    emailFooter: (brand) => zh`您會收到這封信，是因為您曾在${brand}購物。`,
    unsubscribeLinkText: "取消訂閱",
    unsubscribeTextLine: (url) => `取消訂閱：${url}`,
  },
  "zh-Hans": {
    emailSubject: (brand) => zh`${brand}：想听听您对这次购物的看法`,
    emailReminderSubject: (brand) => zh`${brand}：再次邀请您分享这次的购物体验`,
    emailReminderSubjectPrefix: (subject) => zh`提醒：${subject}`,
    greeting: (name) => zh`${name}，您好！`,
    greetingNoName: "您好！",
    emailIntro: (brand) => zh`感谢您最近在${brand}购物。`,
    emailReminderIntro: "温馨提示：我们很想听听您的意见。",
    emailInstruction: "请点击一个分数作答。",
    emailTextInstruction: "请打开您所选分数旁边的链接：",
    emailSignOff: (sender) => zh`谢谢您！\n${sender} 敬上`,
    emailFooter: (brand) => zh`您收到这封邮件，是因为您曾在${brand}购物。`,
    unsubscribeLinkText: "退订",
    unsubscribeTextLine: (url) => `退订：${url}`,
  },
} satisfies Record<Locale, EmailMessages>;

const pageMessages = {
  en: {
    npsQuestion: (brand) => `How likely are you to recommend ${brand} to a friend or colleague?`,
    scaleLowLabel: "0 = not at all likely",
    scaleHighLabel: "10 = extremely likely",
    scoreLowMeaning: "Not at all likely",
    scoreHighMeaning: "Extremely likely",
    pageTitle: "Your feedback",
    scoreLegend: "Your score, from 0 (not at all likely) to 10 (extremely likely)",
    optionalHint: "(optional)",
    csatQuestion: (brand) => `Overall, how satisfied are you with ${brand}?`,
    csatLabels: ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"],
    attributeQuestion: "How would you rate us on:",
    attributeLabels: ["Poor", "Fair", "Good", "Very good", "Excellent"],
    commentLabel: "Anything you'd like to tell us? (optional)",
    submitButton: "Send my answer",
    updateButton: "Update my answer",
    thanksTitle: "Thank you!",
    thanksBody: "Your answer has been recorded.",
    thanksEditHint: (days) => `You can change it from the same link within ${days} days.`,
    expiredTitle: "This survey has closed",
    expiredBody:
      "This link has expired, so we can no longer record answers through it. Thank you all the same.",
    notFoundTitle: "Page not found",
    notFoundBody: "This link is not valid. Please check that you opened the complete link from the email.",
    serverErrorTitle: "Something went wrong",
    serverErrorBody: "We couldn't complete your request. Please try again in a moment.",
    busyTitle: "We're busy right now",
    busyBody: "Your answer has not been recorded yet. Please go back and send it again in a moment.",
    busyAnswerAlert:
      "We're busy right now, so your answer has not been recorded yet. Please send it again in a moment.",
    tryAgainButton: "Try again",
    tooLargeTitle: "Too large",
    tooLargeBody: "The answer is too long to send.",
    notAFormTitle: "Please answer on the survey page",
    notAFormBody: "We could not read what was sent. Please open the link from the email and answer there.",
    unsubscribeTitle: "Unsubscribe from survey emails",
    unsubscribeBody: "Press the button below and we won't send you any more survey emails.",
    unsubscribeButton: "Unsubscribe",
    unsubscribedTitle: "You're unsubscribed",
    unsubscribedBody: "You won't receive any more survey emails from us.",
    resubscribeHint: "Unsubscribed by mistake? You can sign up for survey emails again.",
    resubscribeButton: "Resubscribe",
    resubscribedTitle: "You're subscribed again",
    resubscribedBody: "We may send you survey emails again after your next purchases.",
    errorScoreRequired: "Please choose a score from 0 to 10.",
    errorRatingInvalid: "Please choose a rating from 1 to 5.",
    errorCommentTooLong: (max) =>
      `Your comment is too long. Please shorten it to ${formatCount("en", max)} characters or fewer.`,
    errorCommentInvalid: "Please remove the unusual characters from your comment.",
  },
  "zh-Hant": {
    npsQuestion: (brand) => zh`您向朋友或同事推薦${brand}的可能性有多高？`,
    scaleLowLabel: "0 = 完全不可能",
    scaleHighLabel: "10 = 非常可能",
    scoreLowMeaning: "完全不可能",
    scoreHighMeaning: "非常可能",
    pageTitle: "顧客意見調查",
    scoreLegend: "您的評分：0（完全不可能）至 10（非常可能）",
    optionalHint: "（選填）",
    csatQuestion: (brand) => zh`整體而言，您對${brand}的滿意度如何？`,
    csatLabels: ["非常不滿意", "不滿意", "普通", "滿意", "非常滿意"],
    attributeQuestion: "請為我們以下各方面評分：",
    attributeLabels: ["差", "尚可", "良好", "很好", "極佳"],
    commentLabel: "還有什麼想告訴我們的嗎？（選填）",
    submitButton: "送出回覆",
    updateButton: "更新我的回覆",
    thanksTitle: "謝謝您！",
    thanksBody: "您的回覆已記錄。",
    thanksEditHint: (days) => zh`${days}天內，您都可以透過同一個連結修改回覆。`,
    expiredTitle: "這份問卷已結束",
    expiredBody: "這個連結已過期，無法再記錄回覆。仍然謝謝您的熱心！",
    notFoundTitle: "找不到頁面",
    notFoundBody: "這個連結無效，請確認您開啟的是信中完整的連結。",
    serverErrorTitle: "發生錯誤",
    serverErrorBody: "目前無法完成您的要求，請稍後再試。",
    busyTitle: "目前系統忙碌中",
    busyBody: "您的回答尚未記錄。請返回上一頁，稍後再送出一次。",
    busyAnswerAlert: "目前系統忙碌中，您的回答尚未記錄。請稍後再送出一次。",
    tryAgainButton: "再試一次",
    tooLargeTitle: "內容過長",
    tooLargeBody: "您的回覆太長，無法送出。",
    notAFormTitle: "請在問卷頁面上作答",
    notAFormBody: "我們無法讀取送出的內容。請開啟信中的連結，在問卷頁面上作答。",
    unsubscribeTitle: "取消訂閱問卷信",
    unsubscribeBody: "按下方按鈕後，我們就不會再寄問卷信給您。",
    unsubscribeButton: "取消訂閱",
    unsubscribedTitle: "已取消訂閱",
    unsubscribedBody: "我們不會再寄問卷信給您。",
    resubscribeHint: "不小心取消了嗎？您可以重新訂閱問卷信。",
    resubscribeButton: "重新訂閱",
    resubscribedTitle: "已重新訂閱",
    resubscribedBody: "您日後購物後，我們可能會再寄問卷信給您。",
    errorScoreRequired: "請選擇 0 到 10 之間的分數。",
    errorRatingInvalid: "請選擇 1 到 5 之間的評分。",
    errorCommentTooLong: (max) => zh`您的意見太長了，請縮短至${formatCount("zh-Hant", max)}字以內。`,
    errorCommentInvalid: "您的意見中有無法辨識的字元，請將其刪除。",
  },
  "zh-Hans": {
    npsQuestion: (brand) => zh`您有多大可能向朋友或同事推荐${brand}？`,
    scaleLowLabel: "0 = 完全不可能",
    scaleHighLabel: "10 = 非常可能",
    scoreLowMeaning: "完全不可能",
    scoreHighMeaning: "非常可能",
    pageTitle: "顾客意见调查",
    scoreLegend: "您的评分：0（完全不可能）到 10（非常可能）",
    optionalHint: "（选填）",
    csatQuestion: (brand) => zh`总体而言，您对${brand}的满意度如何？`,
    csatLabels: ["非常不满意", "不满意", "一般", "满意", "非常满意"],
    attributeQuestion: "请就以下方面为我们评分：",
    attributeLabels: ["差", "一般", "良好", "很好", "优秀"],
    commentLabel: "还有什么想告诉我们的吗？（选填）",
    submitButton: "提交回答",
    updateButton: "更新我的回答",
    thanksTitle: "谢谢您！",
    thanksBody: "您的回答已记录。",
    thanksEditHint: (days) => zh`${days}天内，您都可以通过同一链接修改回答。`,
    expiredTitle: "本问卷已结束",
    expiredBody: "该链接已过期，无法再记录回答。仍然感谢您的支持！",
    notFoundTitle: "页面不存在",
    notFoundBody: "该链接无效，请确认您打开的是邮件中的完整链接。",
    serverErrorTitle: "出错了",
    serverErrorBody: "暂时无法完成您的请求，请稍后再试。",
    busyTitle: "系统繁忙",
    busyBody: "您的回答尚未记录。请返回上一页，稍后再提交一次。",
    busyAnswerAlert: "系统繁忙，您的回答尚未记录。请稍后再提交一次。",
    tryAgainButton: "重试",
    tooLargeTitle: "内容过长",
    tooLargeBody: "您的回答太长，无法提交。",
    notAFormTitle: "请在问卷页面上作答",
    notAFormBody: "我们无法读取提交的内容。请打开邮件中的链接，在问卷页面上作答。",
    unsubscribeTitle: "退订调查邮件",
    unsubscribeBody: "点击下方按钮后，我们将不再向您发送调查邮件。",
    unsubscribeButton: "确认退订",
    unsubscribedTitle: "已退订",
    unsubscribedBody: "我们将不再向您发送调查邮件。",
    resubscribeHint: "误点了退订？您可以重新订阅调查邮件。",
    resubscribeButton: "重新订阅",
    resubscribedTitle: "已重新订阅",
    resubscribedBody: "您今后购物后，我们可能会再向您发送调查邮件。",
    errorScoreRequired: "请选择 0 到 10 之间的分数。",
    errorRatingInvalid: "请选择 1 到 5 之间的评分。",
    errorCommentTooLong: (max) => zh`您的意见太长了，请缩短至${formatCount("zh-Hans", max)}字以内。`,
    errorCommentInvalid: "您的意见中有无法识别的字符，请将其删除。",
  },
} satisfies Record<Locale, PageMessages>;

const allMessages: Partial<Record<Locale, Messages>> = {};

/** The strings of one locale. */
export function messagesFor(locale: Locale): Messages {
  allMessages[locale] ??= { ...emailMessages[locale], ...pageMessages[locale] };
  return allMessages[locale];
}

/** The strings of one locale's pages, without the emails' own (see PageMessages). */
export function pageMessagesFor(locale: Locale): PageMessages {
  return pageMessages[locale];
}

const TRADITIONAL_REGIONS = new Set(["tw", "hk", "mo"]);

/** The supported locale a language tag asks for, or undefined for a language we do not have. */
function localeOfTag(tag: string): Locale | undefined {
  const [language, ...subtags] = tag.toLowerCase().replaceAll("_", "-").split("-");
  if (language === "en") return "en";
  if (language !== "zh") return undefined;
  // A script subtag decides ("zh-Hant-CN" is Traditional); otherwise the region does; Simplified by default.
  if (subtags.includes("hant")) return "zh-Hant";
  if (subtags.includes("hans")) return "zh-Hans";
  return subtags.some((subtag) => TRADITIONAL_REGIONS.has(subtag)) ? "zh-Hant" : "zh-Hans";
}

/** One language range of an `Accept-Language` header, as the header parser (hono's `accepts`) gives it. */
export type LanguageRange = { readonly type: string; readonly q: number };

/**
 * The locale for a page that no invitation decides, from the parsed `Accept-Language` ranges: the
 * acceptable range with the highest q-value (ties in header order) that maps to a supported locale —
 * zh-Hant for `zh-Hant`, `zh-TW`, `zh-HK`, `zh-MO`; zh-Hans for `zh-Hans`, `zh-CN`, `zh-SG`, `zh` (and any
 * other Chinese); en for `en*`. q=0 means not acceptable. Falls back to en.
 */
export function localeForLanguages(ranges: readonly LanguageRange[]): Locale {
  const candidates = ranges.flatMap((range) => {
    const locale = range.q > 0 ? localeOfTag(range.type) : undefined;
    return locale ? [{ locale, q: range.q }] : [];
  });
  // Array.prototype.sort is stable, so equal q-values keep the header's order.
  candidates.sort((a, b) => b.q - a.q);
  return candidates[0]?.locale ?? "en";
}
