/** Styles of the console's results, charts and responses pages (part of the one stylesheet, `console-style.ts`). */
export const RESULTS_PAGES_STYLE = `
.crumb{margin:0 0 .25rem;font-size:.875rem}
.campaign-head h1{margin-bottom:.5rem;overflow-wrap:anywhere}
.campaign-head h1 .status{vertical-align:middle;font-size:.8125rem}
.subnav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:0 0 1.25rem;padding:0;border-bottom:1px solid #d8dee4}
.subnav a{display:block;padding:.375rem 0;border-bottom:3px solid transparent;text-decoration:none}
.subnav a[aria-current]{color:#1f2328;font-weight:600;border-bottom-color:#1d4ed8}
.range{color:#57606a}
.filters{margin:0 0 1.5rem;padding:1rem 1.25rem}
.filters h2{margin:0 0 .75rem;font-size:1rem}
.fields{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));gap:.75rem 1rem}
.field{min-width:0}
.field .hint{margin:0 0 .25rem;font-size:.8125rem}
.filters input[type=date],.filters select{display:block;width:100%;min-height:2.75rem;padding:.5rem .625rem;border:1px solid #8c959f;border-radius:.375rem;font:inherit;background:#fff;color:inherit}
.filters select[aria-invalid=true]{border:2px solid #b91c1c}
.actions{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.25rem}
.actions .button{margin-top:.75rem}
.reset{margin-top:.75rem}
.figures-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(9.5rem,1fr));gap:.75rem;margin:0 0 1rem}
.figure{background:#fff;border:1px solid #d8dee4;border-radius:.5rem;padding:.75rem 1rem;min-width:0}
.figure dt{font-size:.8125rem;color:#57606a}
.figure dd{margin:0}
.figure .value{display:block;font-size:1.375rem;font-weight:700;font-variant-numeric:tabular-nums}
.figure .note{display:block;font-size:.8125rem;color:#57606a}
.figure.big{grid-column:1/-1;border-left:4px solid #1d4ed8}
.figure.big .value{font-size:2.25rem;line-height:1.2}
h3{font-size:1rem;margin:1.25rem 0 .5rem}
.chart-block{margin:0 0 1rem}
svg.chart{display:block;max-width:36rem;height:auto;background:#fff;border:1px solid #d8dee4;border-radius:.5rem;margin:0 0 .5rem;font-family:inherit}
svg.chart text{font-size:13px;fill:#1f2328}
svg.chart .tick{fill:#57606a;font-size:12px}
svg.chart .count{font-size:12px;font-weight:600}
svg.chart .group{font-size:12px;font-weight:600}
svg.chart .grid{stroke:#eaeef2;stroke-width:1}
svg.chart .axis{stroke:#8c959f;stroke-width:1}
svg.chart .line{stroke:#1d4ed8;stroke-width:2.5;stroke-linejoin:round}
svg.chart .point{fill:#1d4ed8;stroke:#fff;stroke-width:1}
svg.chart .band{stroke:#60a5fa;stroke-width:1;stroke-dasharray:3 2}
svg.chart .bracket{stroke-width:3}
svg.chart .bracket-detractor{stroke:#dc2626}
svg.chart .bracket-passive{stroke:#d97706}
svg.chart .bracket-promoter{stroke:#15803d}
svg.chart .overall{stroke:#57606a;stroke-dasharray:4 3}
svg.chart .whisker{stroke:#57606a;stroke-width:2}
svg.chart .dot{stroke:#1d4ed8;stroke-width:2;fill:#fff}
svg.chart .dot-higher{fill:#15803d;stroke:#15803d}
svg.chart .dot-lower{fill:#dc2626;stroke:#dc2626}
svg.chart .mark-higher{fill:#15803d;font-size:11px}
svg.chart .mark-lower{fill:#b91c1c;font-size:11px}
svg.chart .quadrant{stroke:#8c959f;stroke-dasharray:5 4}
svg.chart .quadrant-focus{fill:#f0fdf4}
svg.chart .quadrant-fix{fill:#fef2f2}
svg.chart .corner{fill:#57606a;font-size:12px}
svg.chart .corner-fix{fill:#b91c1c;font-weight:600}
svg.chart .axis-title{fill:#57606a;font-size:12px}
svg.chart .driver{fill:#1d4ed8}
svg.chart .driver-number{fill:#fff;font-size:11px;font-weight:700}
svg.chart .driver-label{font-size:12px;font-weight:600}
.legend{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;margin:0 0 .5rem;padding:0;font-size:.875rem}
.key{display:inline-block;width:1.5rem;height:.75rem;margin-right:.375rem;vertical-align:middle}
.key-line{height:3px;background:#1d4ed8}
.key-band{background:repeating-linear-gradient(45deg,#dbeafe 0 3px,#93c5fd 3px 5px);border:1px dashed #60a5fa}
.chart-empty{padding:1.25rem;background:#fff;border:1px dashed #8c959f;border-radius:.5rem;color:#57606a}
.numbers summary{cursor:pointer;color:#1d4ed8;padding:.25rem 0;margin-bottom:.5rem}
table.figures{font-variant-numeric:tabular-nums}
table.figures th,table.figures td{padding:.375rem .75rem}
table.figures th[scope=row]{font-weight:600;background:none;color:#1f2328;font-size:.875rem}
table.figures .value{overflow-wrap:anywhere;min-width:5.5rem}
table.figures thead th{word-break:keep-all}
.difference{display:block;font-weight:600}
td .margin{display:block;font-size:.8125rem;color:#57606a;white-space:nowrap}
.num{text-align:right}
th.num{text-align:right}
.table-wrap.scroll{overflow-x:auto}
.table-wrap + .chart-block,.chart-block .table-wrap{max-width:48rem}
.sig{display:block;font-size:.8125rem}
.sig-higher{color:#116329;font-weight:600}
.sig-lower{color:#b91c1c;font-weight:600}
.download{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem 1rem}
.download .button{margin-top:0}
.button.secondary{background:#fff;color:#1d4ed8;border:1px solid #1d4ed8}
.button.secondary:hover{background:#eff6ff;color:#1e3a8a}
.download .hint{margin:0}
.responses{list-style:none;margin:0;padding:0;display:grid;gap:.75rem;max-width:52rem}
.response{background:#fff;border:1px solid #d8dee4;border-radius:.5rem;padding:.875rem 1rem;min-width:0}
.response-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:.25rem 1rem;margin-bottom:.5rem}
.response-head time{margin-left:auto;font-size:.875rem;color:#57606a}
.score{display:inline-block;padding:.125rem .5rem;border-radius:.375rem;border-left:4px solid}
.score-promoter{background:#dafbe1;border-color:#15803d;color:#0f5323}
.score-passive{background:#fff8c5;border-color:#b45309;color:#633c01}
.score-detractor{background:#ffebe9;border-color:#b91c1c;color:#82071e}
.csat{font-size:.875rem;color:#57606a}
.comment{margin:0 0 .5rem;white-space:pre-wrap;overflow-wrap:anywhere}
blockquote.comment{padding-left:.75rem;border-left:3px solid #d0d7de}
.who-line{display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:0;font-size:.875rem;color:#57606a;overflow-wrap:anywhere}
.customer{color:#1f2328}
.properties{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem .5rem;margin:.5rem 0 0;padding:0;font-size:.8125rem}
.properties li{background:#f6f8fa;border:1px solid #eaeef2;border-radius:.25rem;padding:0 .375rem;overflow-wrap:anywhere;min-width:0}
.property-name{color:#57606a}
@media (max-width:40rem){
.filters{padding:.875rem}
.figure.big .value{font-size:1.875rem}
table.figures th,table.figures td{padding:.375rem .5rem;font-size:.875rem}
.response-head time{margin-left:0;flex-basis:100%}
}
@media (forced-colors:active){.subnav a[aria-current]{text-decoration:underline}}
`;
