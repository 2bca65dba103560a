import type { Locale } from "./campaign";
import { zh } from "./messages";

/**
 * The strings of the console's results and responses pages, in each locale. Plain text: the pages
 * escape them. Numbers arrive already formatted in the page's language.
 */
export type ConsoleResultsMessages = {
  readonly resultsNav: string;
  readonly responsesNav: string;
  readonly editCampaign: string;
  readonly campaignLinks: string;
  readonly backToCampaigns: string;

  readonly filterHeading: string;
  readonly fromLabel: string;
  readonly toLabel: string;
  readonly dateHint: string;
  readonly intervalLabel: string;
  readonly intervals: Readonly<Record<"day" | "week" | "month", string>>;
  readonly segmentLabel: string;
  readonly noSegment: string;
  readonly noSegmentProperties: string;
  readonly compareLabel: string;
  readonly showButton: string;
  readonly resetFilters: string;
  readonly fieldErrors: Readonly<Record<"from" | "to" | "interval" | "segment" | "compare", string>>;
  readonly filterInvalid: string;
  readonly rangeSummary: (from: string, to: string) => string;

  readonly summaryHeading: string;
  readonly npsLabel: string;
  readonly npsMargin: (margin: string) => string;
  readonly npsNoMargin: string;
  readonly responsesLabel: string;
  readonly promotersLabel: string;
  readonly passivesLabel: string;
  readonly detractorsLabel: string;
  readonly sentLabel: string;
  readonly responseRateLabel: string;
  readonly notAvailable: string;
  readonly changeLabel: string;
  readonly changeText: (difference: string) => string;
  readonly changeSignificant: string;
  readonly changeNotSignificant: string;
  readonly csatHeading: string;
  readonly csatMeanLabel: string;
  readonly csatSatisfiedLabel: string;
  readonly csatResponsesLabel: string;
  readonly casesHeading: string;
  readonly casesOpenedLabel: string;
  readonly casesResolvedLabel: string;
  readonly casesWithinTargetLabel: string;
  readonly casesMeanHoursLabel: string;
  readonly hours: (hours: string) => string;
  readonly emptyRange: string;

  readonly trendHeading: string;
  readonly trendCaption: (interval: string) => string;
  readonly trendSummary: (periods: number, first: string, last: string, low: string, high: string) => string;
  readonly trendNoAnswers: string;
  readonly trendLegendLine: string;
  readonly trendLegendBand: string;
  readonly columnPeriod: string;
  readonly columnNps: string;
  readonly columnMargin: string;
  readonly columnNpsMargin: string;
  readonly columnResponses: string;
  readonly showNumbers: string;

  readonly distributionHeading: string;
  readonly distributionCaption: string;
  readonly distributionSummary: (
    detractors: string,
    passives: string,
    promoters: string,
    total: string,
  ) => string;
  readonly columnScore: string;
  readonly columnAnswers: string;
  readonly columnShare: string;
  readonly columnGroup: string;
  readonly groupOf: Readonly<Record<"promoter" | "passive" | "detractor", string>>;

  readonly segmentHeading: (property: string) => string;
  readonly segmentCaption: (property: string) => string;
  readonly segmentSummary: (values: number, property: string) => string;
  readonly segmentIntro: string;
  readonly segmentMoreValues: (shown: number, total: number) => string;
  readonly columnValue: string;
  readonly columnVsRest: string;
  readonly significantHigher: string;
  readonly significantLower: string;
  readonly notSignificant: string;
  readonly tooFewToTell: string;
  readonly noneValue: string;
  readonly otherValue: string;
  readonly segmentEmpty: string;

  readonly driversHeading: string;
  readonly driversIntro: (responses: string) => string;
  readonly driversR2: (r2: string) => string;
  readonly driversTooFew: string;
  readonly driversCaption: string;
  readonly driversSummary: (concentrate: string) => string;
  readonly driversAxisImportance: string;
  readonly driversAxisRating: string;
  readonly quadrants: Readonly<Record<"concentrate" | "keep-up" | "low-priority" | "overkill", string>>;
  readonly columnAttribute: string;
  readonly columnImportance: string;
  readonly columnMean: string;
  readonly columnCorrelation: string;
  readonly columnQuadrant: string;

  readonly responsesTitle: string;
  readonly responsesFilterHeading: string;
  readonly scoresLabel: string;
  readonly scoreGroups: Readonly<Record<"all" | "promoters" | "passives" | "detractors", string>>;
  readonly answeredFromLabel: string;
  readonly answeredToLabel: string;
  readonly showResponsesButton: string;
  readonly clearFilters: string;
  readonly downloadCsv: string;
  readonly downloadCsvHint: string;
  readonly exportTooLargeTitle: string;
  readonly exportTooLargeBody: (apiPath: string) => string;
  readonly noResponses: string;
  readonly noComment: string;
  readonly scoreOf: (score: number) => string;
  readonly csatOf: (csat: number) => string;
  readonly orderLabel: string;
  readonly editedOn: (date: string) => string;
  readonly newestResponses: string;
  readonly olderResponses: string;
  readonly responsesListLabel: string;
  readonly responseFieldErrors: Readonly<Record<"from" | "to" | "group" | "cursor", string>>;
};

const en: ConsoleResultsMessages = {
  resultsNav: "Results",
  responsesNav: "Responses",
  editCampaign: "Edit campaign",
  campaignLinks: "Campaign pages",
  backToCampaigns: "All campaigns",

  filterHeading: "Range and breakdown",
  fromLabel: "From",
  toLabel: "To",
  dateHint: "YYYY-MM-DD, UTC",
  intervalLabel: "Trend by",
  intervals: { day: "Day", week: "Week", month: "Month" },
  segmentLabel: "Break down by",
  noSegment: "No breakdown",
  noSegmentProperties: "This campaign keeps no purchase properties for breakdowns (segmentBy).",
  compareLabel: "Compare with the period before",
  showButton: "Show results",
  resetFilters: "Last 30 days",
  fieldErrors: {
    from: "Enter a date as YYYY-MM-DD, not after the end date, at most 366 days before it.",
    to: "Enter a date as YYYY-MM-DD.",
    interval: "Choose day, week or month.",
    segment: "Choose one of the campaign's properties.",
    compare: "Tick the box or leave it empty.",
  },
  filterInvalid: "Some of the filters are not valid: correct them to see the results.",
  rangeSummary: (from, to) => `Answers given from ${from} to ${to} (UTC).`,

  summaryHeading: "Summary",
  npsLabel: "NPS",
  npsMargin: (margin) => `± ${margin} points (95% confidence)`,
  npsNoMargin: "Margin of error needs 2 answers or more.",
  responsesLabel: "Responses",
  promotersLabel: "Promoters (9–10)",
  passivesLabel: "Passives (7–8)",
  detractorsLabel: "Detractors (0–6)",
  sentLabel: "Surveys sent",
  responseRateLabel: "Response rate",
  notAvailable: "–",
  changeLabel: "Against the period before",
  changeText: (difference) => `${difference} NPS points`,
  changeSignificant: "a real change (95% confidence)",
  changeNotSignificant: "within the noise",
  csatHeading: "Satisfaction (CSAT)",
  csatMeanLabel: "Mean rating (1–5)",
  csatSatisfiedLabel: "Satisfied (4–5)",
  csatResponsesLabel: "Ratings",
  casesHeading: "Follow-up cases",
  casesOpenedLabel: "Opened",
  casesResolvedLabel: "Resolved",
  casesWithinTargetLabel: "First reply on time",
  casesMeanHoursLabel: "Mean time to first reply",
  hours: (hours) => `${hours} h`,
  emptyRange: "No answers yet in this range.",

  trendHeading: "NPS over time",
  trendCaption: (interval) => `NPS by ${interval.toLowerCase()}, with its margin of error`,
  trendSummary: (periods, first, last, low, high) =>
    `NPS trend over ${periods} periods from ${first} to ${last}; lowest ${low}, highest ${high}. The shaded band is the 95% margin of error.`,
  trendNoAnswers: "No answers yet in this range, so there is no trend to draw.",
  trendLegendLine: "NPS",
  trendLegendBand: "Margin of error (95%)",
  columnPeriod: "Period starting",
  columnNps: "NPS",
  columnMargin: "Margin (±)",
  columnNpsMargin: "NPS ± margin",
  columnResponses: "Responses",
  showNumbers: "Show the numbers",

  distributionHeading: "Scores",
  distributionCaption: "Answers by score, 0 to 10",
  distributionSummary: (detractors, passives, promoters, total) =>
    `Score distribution of ${total} answers: ${detractors} detractors (0–6), ${passives} passives (7–8), ${promoters} promoters (9–10).`,
  columnScore: "Score",
  columnAnswers: "Answers",
  columnShare: "Share",
  columnGroup: "Group",
  groupOf: { promoter: "Promoter", passive: "Passive", detractor: "Detractor" },

  segmentHeading: (property) => `By ${property}`,
  segmentCaption: (property) => `NPS by ${property}, each value against all the others`,
  segmentSummary: (values, property) =>
    `NPS of ${values} values of ${property}, with margins of error; the table below gives every figure.`,
  segmentIntro:
    "“Real difference” means this value's NPS differs from the rest of the answers by more than chance would explain (95% confidence).",
  segmentMoreValues: (shown, total) =>
    `The chart shows the ${shown} values with the most answers of ${total}.`,
  columnValue: "Value",
  columnVsRest: "Against the rest",
  significantHigher: "Real difference: higher",
  significantLower: "Real difference: lower",
  notSignificant: "Within the noise",
  tooFewToTell: "Too few answers to tell",
  noneValue: "(none)",
  otherValue: "(other)",
  segmentEmpty: "No answers in this range to break down.",

  driversHeading: "What drives the score",
  driversIntro: (responses) =>
    `Over the ${responses} answers that rated every attribute: how much each attribute moves the score (importance) against how well it is rated (mean).`,
  driversR2: (r2) => `Together the ratings explain ${r2} of the variation in the score.`,
  driversTooFew:
    "Importance needs at least 30 answers that rated every attribute: only the mean ratings are shown.",
  driversCaption: "Attributes: importance and rating",
  driversSummary: (concentrate) =>
    concentrate === ""
      ? "Importance against mean rating of each attribute. No attribute is both important and rated below average."
      : `Importance against mean rating of each attribute. Important but rated below average: ${concentrate}.`,
  driversAxisImportance: "Importance →",
  driversAxisRating: "Mean rating →",
  quadrants: {
    concentrate: "Improve first",
    "keep-up": "Keep it up",
    "low-priority": "Lower priority",
    overkill: "Possibly overdone",
  },
  columnAttribute: "Attribute",
  columnImportance: "Importance",
  columnMean: "Mean rating",
  columnCorrelation: "Correlation",
  columnQuadrant: "Quadrant",

  responsesTitle: "Responses",
  responsesFilterHeading: "Filter responses",
  scoresLabel: "Scores",
  scoreGroups: {
    all: "All scores",
    promoters: "Promoters (9–10)",
    passives: "Passives (7–8)",
    detractors: "Detractors (0–6)",
  },
  answeredFromLabel: "Answered from",
  answeredToLabel: "Answered until",
  showResponsesButton: "Show responses",
  clearFilters: "Clear filters",
  downloadCsv: "Download CSV",
  downloadCsvHint: "Every response matching these filters, as one file.",
  exportTooLargeTitle: "Too many responses for one download",
  exportTooLargeBody: (apiPath) =>
    `These responses make a file larger than the console can send at once (about 5 MB). Narrow the dates, or fetch the export in parts from the API: GET ${apiPath} and follow each Link: rel="next".`,
  noResponses: "No responses match these filters yet.",
  noComment: "No comment",
  scoreOf: (score) => `Score ${score}`,
  csatOf: (csat) => `Satisfaction ${csat}/5`,
  orderLabel: "Order",
  editedOn: (date) => `edited ${date}`,
  newestResponses: "Newest responses",
  olderResponses: "Older responses",
  responsesListLabel: "Responses, newest first",
  responseFieldErrors: {
    from: "Enter a date as YYYY-MM-DD, not after the end date.",
    to: "Enter a date as YYYY-MM-DD.",
    group: "Choose a group of scores.",
    cursor: "This page link is no longer valid: start from the newest responses.",
  },
};

const zhHant: ConsoleResultsMessages = {
  resultsNav: "結果",
  responsesNav: "回覆",
  editCampaign: "編輯問卷活動",
  campaignLinks: "問卷活動頁面",
  backToCampaigns: "所有問卷活動",

  filterHeading: "期間與細分",
  fromLabel: "開始日期",
  toLabel: "結束日期",
  dateHint: "YYYY-MM-DD，UTC 時間",
  intervalLabel: "趨勢單位",
  intervals: { day: "日", week: "週", month: "月" },
  segmentLabel: "細分依據",
  noSegment: "不細分",
  noSegmentProperties: "這個問卷活動沒有設定可供細分的購買屬性（segmentBy）。",
  compareLabel: "與前一段期間比較",
  showButton: "顯示結果",
  resetFilters: "最近 30 天",
  fieldErrors: {
    from: "請以 YYYY-MM-DD 格式輸入日期，不可晚於結束日期，且期間不可超過 366 天。",
    to: "請以 YYYY-MM-DD 格式輸入日期。",
    interval: "請選擇日、週或月。",
    segment: "請選擇這個問卷活動的其中一個屬性。",
    compare: "請勾選或留空。",
  },
  filterInvalid: "部分篩選條件無效，請修正後再查看結果。",
  rangeSummary: (from, to) => zh`${from} 至 ${to}（UTC）期間的回覆。`,

  summaryHeading: "摘要",
  npsLabel: "NPS",
  npsMargin: (margin) => zh`誤差範圍 ± ${margin} 分（95% 信賴水準）`,
  npsNoMargin: "至少需要 2 則回覆才能計算誤差範圍。",
  responsesLabel: "回覆數",
  promotersLabel: "推薦者（9–10）",
  passivesLabel: "被動者（7–8）",
  detractorsLabel: "批評者（0–6）",
  sentLabel: "已寄出問卷",
  responseRateLabel: "回覆率",
  notAvailable: "–",
  changeLabel: "與前一段期間相比",
  changeText: (difference) => zh`NPS ${difference} 分`,
  changeSignificant: "確實有變化（95% 信賴水準）",
  changeNotSignificant: "在隨機誤差範圍內",
  csatHeading: "滿意度（CSAT）",
  csatMeanLabel: "平均評分（1–5）",
  csatSatisfiedLabel: "滿意（4–5）",
  csatResponsesLabel: "評分數",
  casesHeading: "後續追蹤案件",
  casesOpenedLabel: "已開立",
  casesResolvedLabel: "已解決",
  casesWithinTargetLabel: "準時首次回覆",
  casesMeanHoursLabel: "平均首次回覆時間",
  hours: (hours) => zh`${hours} 小時`,
  emptyRange: "這段期間還沒有回覆。",

  trendHeading: "NPS 趨勢",
  trendCaption: (interval) => zh`每${interval}的 NPS 及其誤差範圍`,
  trendSummary: (periods, first, last, low, high) =>
    zh`NPS 趨勢，共 ${periods} 個期間，從 ${first} 到 ${last}；最低 ${low}，最高 ${high}。陰影區域為 95% 誤差範圍。`,
  trendNoAnswers: "這段期間還沒有回覆，因此沒有趨勢可畫。",
  trendLegendLine: "NPS",
  trendLegendBand: "誤差範圍（95%）",
  columnPeriod: "期間開始日",
  columnNps: "NPS",
  columnMargin: "誤差（±）",
  columnNpsMargin: "NPS ± 誤差",
  columnResponses: "回覆數",
  showNumbers: "顯示數字",

  distributionHeading: "分數分布",
  distributionCaption: "各分數（0 至 10）的回覆數",
  distributionSummary: (detractors, passives, promoters, total) =>
    zh`${total} 則回覆的分數分布：批評者（0–6）${detractors} 則、被動者（7–8）${passives} 則、推薦者（9–10）${promoters} 則。`,
  columnScore: "分數",
  columnAnswers: "回覆數",
  columnShare: "比例",
  columnGroup: "類別",
  groupOf: { promoter: "推薦者", passive: "被動者", detractor: "批評者" },

  segmentHeading: (property) => zh`依 ${property} 細分`,
  segmentCaption: (property) => zh`依 ${property} 的 NPS，每個值與其餘所有回覆比較`,
  segmentSummary: (values, property) =>
    zh`${property} 的 ${values} 個值的 NPS 及誤差範圍；下表列出所有數字。`,
  segmentIntro: "「確實不同」表示這個值的 NPS 與其餘回覆的差異，大於隨機因素所能解釋的程度（95% 信賴水準）。",
  segmentMoreValues: (shown, total) => zh`圖表顯示 ${total} 個值中回覆最多的 ${shown} 個。`,
  columnValue: "值",
  columnVsRest: "與其餘相比",
  significantHigher: "確實不同：較高",
  significantLower: "確實不同：較低",
  notSignificant: "在隨機誤差範圍內",
  tooFewToTell: "回覆太少，無法判斷",
  noneValue: "（無）",
  otherValue: "（其他）",
  segmentEmpty: "這段期間沒有可細分的回覆。",

  driversHeading: "影響分數的因素",
  driversIntro: (responses) =>
    zh`根據 ${responses} 則為每個項目都評分的回覆：每個項目對分數的影響（重要性）與其評分高低（平均）的對照。`,
  driversR2: (r2) => zh`這些評分合計可解釋分數變異的 ${r2}。`,
  driversTooFew: "計算重要性至少需要 30 則為每個項目都評分的回覆，目前只顯示平均評分。",
  driversCaption: "各項目的重要性與評分",
  driversSummary: (concentrate) =>
    concentrate === ""
      ? "各項目的重要性與平均評分對照。沒有既重要、評分又低於平均的項目。"
      : zh`各項目的重要性與平均評分對照。重要但評分低於平均：${concentrate}。`,
  driversAxisImportance: "重要性 →",
  driversAxisRating: "平均評分 →",
  quadrants: {
    concentrate: "優先改善",
    "keep-up": "繼續保持",
    "low-priority": "次要",
    overkill: "可能過度投入",
  },
  columnAttribute: "項目",
  columnImportance: "重要性",
  columnMean: "平均評分",
  columnCorrelation: "相關係數",
  columnQuadrant: "象限",

  responsesTitle: "回覆",
  responsesFilterHeading: "篩選回覆",
  scoresLabel: "分數",
  scoreGroups: {
    all: "所有分數",
    promoters: "推薦者（9–10）",
    passives: "被動者（7–8）",
    detractors: "批評者（0–6）",
  },
  answeredFromLabel: "回覆日期自",
  answeredToLabel: "回覆日期至",
  showResponsesButton: "顯示回覆",
  clearFilters: "清除篩選條件",
  downloadCsv: "下載 CSV",
  downloadCsvHint: "符合這些篩選條件的所有回覆，匯出為一個檔案。",
  exportTooLargeTitle: "回覆太多，無法一次下載",
  exportTooLargeBody: (apiPath) =>
    `這些回覆的檔案超過主控台一次能傳送的大小（約 5 MB）。請縮小日期範圍，或從 API 分段取得匯出：GET ${apiPath}，並依每個 Link: rel="next" 繼續。`,
  noResponses: "目前沒有符合這些篩選條件的回覆。",
  noComment: "沒有意見",
  scoreOf: (score) => zh`分數 ${score}`,
  csatOf: (csat) => zh`滿意度 ${csat}/5`,
  orderLabel: "訂單",
  editedOn: (date) => zh`於 ${date} 修改`,
  newestResponses: "最新回覆",
  olderResponses: "較舊的回覆",
  responsesListLabel: "回覆（由新到舊）",
  responseFieldErrors: {
    from: "請以 YYYY-MM-DD 格式輸入日期，不可晚於結束日期。",
    to: "請以 YYYY-MM-DD 格式輸入日期。",
    group: "請選擇分數類別。",
    cursor: "這個分頁連結已失效，請從最新回覆開始。",
  },
};

const zhHans: ConsoleResultsMessages = {
  resultsNav: "结果",
  responsesNav: "回复",
  editCampaign: "编辑问卷活动",
  campaignLinks: "问卷活动页面",
  backToCampaigns: "所有问卷活动",

  filterHeading: "时间段与细分",
  fromLabel: "开始日期",
  toLabel: "结束日期",
  dateHint: "YYYY-MM-DD，UTC 时间",
  intervalLabel: "趋势单位",
  intervals: { day: "日", week: "周", month: "月" },
  segmentLabel: "细分依据",
  noSegment: "不细分",
  noSegmentProperties: "这个问卷活动没有设置可用于细分的购买属性（segmentBy）。",
  compareLabel: "与上一时间段比较",
  showButton: "显示结果",
  resetFilters: "最近 30 天",
  fieldErrors: {
    from: "请以 YYYY-MM-DD 格式输入日期，不能晚于结束日期，且时间段不能超过 366 天。",
    to: "请以 YYYY-MM-DD 格式输入日期。",
    interval: "请选择日、周或月。",
    segment: "请选择这个问卷活动的其中一个属性。",
    compare: "请勾选或留空。",
  },
  filterInvalid: "部分筛选条件无效，请修正后再查看结果。",
  rangeSummary: (from, to) => zh`${from} 至 ${to}（UTC）期间的回复。`,

  summaryHeading: "摘要",
  npsLabel: "NPS",
  npsMargin: (margin) => zh`误差范围 ± ${margin} 分（95% 置信水平）`,
  npsNoMargin: "至少需要 2 条回复才能计算误差范围。",
  responsesLabel: "回复数",
  promotersLabel: "推荐者（9–10）",
  passivesLabel: "被动者（7–8）",
  detractorsLabel: "贬损者（0–6）",
  sentLabel: "已发送问卷",
  responseRateLabel: "回复率",
  notAvailable: "–",
  changeLabel: "与上一时间段相比",
  changeText: (difference) => zh`NPS ${difference} 分`,
  changeSignificant: "确实有变化（95% 置信水平）",
  changeNotSignificant: "在随机误差范围内",
  csatHeading: "满意度（CSAT）",
  csatMeanLabel: "平均评分（1–5）",
  csatSatisfiedLabel: "满意（4–5）",
  csatResponsesLabel: "评分数",
  casesHeading: "跟进工单",
  casesOpenedLabel: "已创建",
  casesResolvedLabel: "已解决",
  casesWithinTargetLabel: "按时首次回复",
  casesMeanHoursLabel: "平均首次回复时间",
  hours: (hours) => zh`${hours} 小时`,
  emptyRange: "这个时间段还没有回复。",

  trendHeading: "NPS 趋势",
  trendCaption: (interval) => zh`每${interval}的 NPS 及其误差范围`,
  trendSummary: (periods, first, last, low, high) =>
    zh`NPS 趋势，共 ${periods} 个时间段，从 ${first} 到 ${last}；最低 ${low}，最高 ${high}。阴影区域为 95% 误差范围。`,
  trendNoAnswers: "这个时间段还没有回复，因此没有趋势可画。",
  trendLegendLine: "NPS",
  trendLegendBand: "误差范围（95%）",
  columnPeriod: "时间段开始日",
  columnNps: "NPS",
  columnMargin: "误差（±）",
  columnNpsMargin: "NPS ± 误差",
  columnResponses: "回复数",
  showNumbers: "显示数字",

  distributionHeading: "分数分布",
  distributionCaption: "各分数（0 至 10）的回复数",
  distributionSummary: (detractors, passives, promoters, total) =>
    zh`${total} 条回复的分数分布：贬损者（0–6）${detractors} 条、被动者（7–8）${passives} 条、推荐者（9–10）${promoters} 条。`,
  columnScore: "分数",
  columnAnswers: "回复数",
  columnShare: "比例",
  columnGroup: "类别",
  groupOf: { promoter: "推荐者", passive: "被动者", detractor: "贬损者" },

  segmentHeading: (property) => zh`按 ${property} 细分`,
  segmentCaption: (property) => zh`按 ${property} 的 NPS，每个值与其余所有回复比较`,
  segmentSummary: (values, property) =>
    zh`${property} 的 ${values} 个值的 NPS 及误差范围；下表列出所有数字。`,
  segmentIntro: "“确实不同”表示这个值的 NPS 与其余回复的差异，大于随机因素所能解释的程度（95% 置信水平）。",
  segmentMoreValues: (shown, total) => zh`图表显示 ${total} 个值中回复最多的 ${shown} 个。`,
  columnValue: "值",
  columnVsRest: "与其余相比",
  significantHigher: "确实不同：较高",
  significantLower: "确实不同：较低",
  notSignificant: "在随机误差范围内",
  tooFewToTell: "回复太少，无法判断",
  noneValue: "（无）",
  otherValue: "（其他）",
  segmentEmpty: "这个时间段没有可细分的回复。",

  driversHeading: "影响分数的因素",
  driversIntro: (responses) =>
    zh`根据 ${responses} 条为每个项目都评分的回复：每个项目对分数的影响（重要性）与其评分高低（平均）的对照。`,
  driversR2: (r2) => zh`这些评分合计可解释分数变异的 ${r2}。`,
  driversTooFew: "计算重要性至少需要 30 条为每个项目都评分的回复，目前只显示平均评分。",
  driversCaption: "各项目的重要性与评分",
  driversSummary: (concentrate) =>
    concentrate === ""
      ? "各项目的重要性与平均评分对照。没有既重要、评分又低于平均的项目。"
      : zh`各项目的重要性与平均评分对照。重要但评分低于平均：${concentrate}。`,
  driversAxisImportance: "重要性 →",
  driversAxisRating: "平均评分 →",
  quadrants: {
    concentrate: "优先改进",
    "keep-up": "继续保持",
    "low-priority": "次要",
    overkill: "可能投入过多",
  },
  columnAttribute: "项目",
  columnImportance: "重要性",
  columnMean: "平均评分",
  columnCorrelation: "相关系数",
  columnQuadrant: "象限",

  responsesTitle: "回复",
  responsesFilterHeading: "筛选回复",
  scoresLabel: "分数",
  scoreGroups: {
    all: "所有分数",
    promoters: "推荐者（9–10）",
    passives: "被动者（7–8）",
    detractors: "贬损者（0–6）",
  },
  answeredFromLabel: "回复日期自",
  answeredToLabel: "回复日期至",
  showResponsesButton: "显示回复",
  clearFilters: "清除筛选条件",
  downloadCsv: "下载 CSV",
  downloadCsvHint: "符合这些筛选条件的所有回复，导出为一个文件。",
  exportTooLargeTitle: "回复太多，无法一次下载",
  exportTooLargeBody: (apiPath) =>
    `这些回复的文件超过控制台一次能发送的大小（约 5 MB）。请缩小日期范围，或通过 API 分段获取导出：GET ${apiPath}，并按每个 Link: rel="next" 继续。`,
  noResponses: "目前没有符合这些筛选条件的回复。",
  noComment: "没有意见",
  scoreOf: (score) => zh`分数 ${score}`,
  csatOf: (csat) => zh`满意度 ${csat}/5`,
  orderLabel: "订单",
  editedOn: (date) => zh`于 ${date} 修改`,
  newestResponses: "最新回复",
  olderResponses: "较早的回复",
  responsesListLabel: "回复（从新到旧）",
  responseFieldErrors: {
    from: "请以 YYYY-MM-DD 格式输入日期，不能晚于结束日期。",
    to: "请以 YYYY-MM-DD 格式输入日期。",
    group: "请选择分数类别。",
    cursor: "这个分页链接已失效，请从最新回复开始。",
  },
};

const BY_LOCALE: Record<Locale, ConsoleResultsMessages> = { en, "zh-Hant": zhHant, "zh-Hans": zhHans };

export const consoleResultsMessagesFor = (locale: Locale): ConsoleResultsMessages => BY_LOCALE[locale];
