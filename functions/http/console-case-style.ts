/** Styles of the console's case inbox and case pages (part of the one stylesheet, `console-style.ts`). */
export const CASE_PAGES_STYLE = `
.case-views ul{list-style:none;display:flex;flex-wrap:wrap;gap:.5rem;margin:0 0 1rem;padding:0}
.case-views a{display:inline-block;padding:.375rem .875rem;border:1px solid #d0d7de;border-radius:999px;background:#fff;color:#1f2328;text-decoration:none}
.case-views a:hover{border-color:#1d4ed8}
.case-views a[aria-current]{background:#1d4ed8;border-color:#1d4ed8;color:#fff;font-weight:600}
.case-filters{display:flex;flex-wrap:wrap;align-items:flex-end;gap:.75rem 1rem;margin:0 0 1rem}
.case-filters>div{min-width:0}
.case-filters label{font-size:.875rem}
.case-filter-actions{display:flex;align-items:center;gap:1rem;min-height:2.75rem}
.case-page select,.case-field input,.case-page textarea{display:block;width:100%;max-width:100%;min-height:2.75rem;padding:.5rem .75rem;border:1px solid #8c959f;border-radius:.375rem;font:inherit;background:#fff;color:inherit}
.case-filters select{width:auto;max-width:100%;min-width:10rem}
.case-page textarea{resize:vertical;min-height:6rem}
.case-page textarea[aria-invalid=true]{border:2px solid #b91c1c}
table.case-table td{overflow-wrap:break-word}
table.case-table td.date{white-space:normal;min-width:6.5rem}
.case-sub,.case-block{display:block;font-weight:400;font-size:.875rem;color:#57606a;overflow-wrap:anywhere}
.case-block{font-size:inherit;color:inherit}
.case-line{display:block}
.case-comment{min-width:12rem;max-width:20rem;color:#1f2328}
.case-owner{font-size:.875rem}
.case-score{display:inline-flex;align-items:baseline;gap:.375rem;white-space:nowrap}
.case-score-number{display:inline-block;min-width:2rem;padding:.125rem .375rem;border-radius:.375rem;font-weight:700;text-align:center;border:1px solid}
.case-score-word{font-size:.875rem}
.case-score-detractor .case-score-number{color:#a40e26;background:#ffebe9;border-color:#ff8182}
.case-score-passive .case-score-number{color:#7d4e00;background:#fff8c5;border-color:#d4a72c}
.case-score-promoter .case-score-number{color:#116329;background:#dafbe1;border-color:#4ac26b}
.case-open{color:#a40e26;background:#ffebe9;border-color:#ff8182}
.case-in_progress{color:#0a3069;background:#ddf4ff;border-color:#54aeff}
.case-resolved{color:#116329;background:#dafbe1;border-color:#4ac26b}
.case-overdue,.case-overdue strong{color:#a40e26}
tr.case-row-overdue td:first-child{box-shadow:inset 4px 0 0 #cf222e}
.case-back{margin:0 0 .5rem;font-size:.875rem}
.case-grid{display:grid;gap:1.5rem;grid-template-columns:minmax(0,1fr)}
.case-grid h2:first-child{margin-top:0}
.case-side>h2{margin:1.5rem 0 .75rem}
.case-main>section+section{margin-top:1.5rem}
.case-facts{margin:0}
.case-facts>div{display:grid;grid-template-columns:minmax(0,9rem) minmax(0,1fr);gap:.25rem 1rem;padding:.5rem 0;border-top:1px solid #eaeef2}
.case-facts>div:first-child{border-top:0;padding-top:0}
.case-facts dt{font-weight:600;color:#57606a;font-size:.875rem}
.case-facts dd{margin:0;overflow-wrap:anywhere}
.case-comment-text{margin:0;padding:.5rem .75rem;border-left:4px solid #d0d7de;background:#f6f8fa;white-space:pre-wrap;overflow-wrap:anywhere}
.case-properties{list-style:none;margin:0;padding:0}
.case-property-name{font-weight:600}
.case-timeline{list-style:none;margin:0;padding:0 0 0 1rem;border-left:2px solid #d0d7de}
.case-entry{position:relative;margin:0 0 1rem;padding:.75rem 1rem;background:#fff;border:1px solid #d8dee4;border-radius:.5rem}
.case-entry::before{content:"";position:absolute;left:calc(-1rem - 7px);top:1rem;width:12px;height:12px;border-radius:50%;background:#8c959f;border:2px solid #f6f7f9}
.case-entry-note::before{background:#d4a72c}
.case-entry-reply::before{background:#1d4ed8}
.case-entry-status_changed::before{background:#2da44e}
.case-entry-head{display:flex;flex-wrap:wrap;gap:.125rem 1rem;justify-content:space-between;margin:0}
.case-entry-meta{font-size:.8125rem;color:#57606a;overflow-wrap:anywhere}
.case-entry-text{margin:.5rem 0 0;white-space:pre-wrap;overflow-wrap:anywhere}
.case-action{margin-top:1rem}
.case-action:first-of-type{margin-top:0}
.case-action h3{font-size:1rem;margin:0 0 .75rem}
.case-field{margin-top:.75rem}
.case-field:first-of-type{margin-top:0}
.button.case-button-secondary{background:#fff;color:#1d4ed8;border:1px solid #1d4ed8}
.button.case-button-secondary:hover{background:#eff6ff;color:#1e3a8a}
.case-aside-form{margin:0 0 1rem}
.case-action form+.case-aside-form{margin:1rem 0 0}
@media (min-width:64rem){
.case-grid{grid-template-columns:minmax(0,3fr) minmax(0,2fr);align-items:start}
}
@media (max-width:40rem){
.case-filters>div{flex:1 1 100%}
.case-filters select{width:100%}
.case-facts>div{grid-template-columns:minmax(0,1fr)}
.panel{padding:1rem}
.case-timeline{padding-left:.75rem}
.case-entry::before{left:calc(-.75rem - 7px)}
.case-score-word{display:block}
.case-score{display:inline-block}
}
`;
