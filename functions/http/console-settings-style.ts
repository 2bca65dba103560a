/** Styles of the console's campaign form, alert rules, webhooks and API keys pages (part of the one stylesheet, `console-style.ts`). */
export const SETTINGS_PAGES_STYLE = `
.crumbs{margin:0 0 .5rem;font-size:.875rem}
.subtitle{display:block;font-size:1rem;font-weight:400;color:#57606a;margin-top:.25rem;overflow-wrap:anywhere}
.page-head{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5rem 1rem;margin:0 0 1rem}
.page-head h1{margin:0}
.page-head .button{margin-top:0}
.settings-form fieldset.panel{margin:0 0 1.25rem;min-width:0}
.settings-form legend{font-weight:700;font-size:1.0625rem;padding:0 .25rem}
.settings-form .field{margin:0 0 1.125rem;min-width:0}
.settings-form .field:last-child{margin-bottom:0}
.settings-form input[type=text],.settings-form input[type=url],.settings-form select,.settings-form textarea,.secret-value{display:block;width:100%;max-width:40rem;min-height:2.75rem;padding:.5rem .75rem;border:1px solid #8c959f;border-radius:.375rem;font:inherit;background:#fff;color:inherit}
.settings-form textarea{resize:vertical}
.settings-form input.short{max-width:10rem}
.settings-form select[aria-invalid=true],.settings-form textarea[aria-invalid=true]{border:2px solid #b91c1c}
.settings-form .check{font-weight:600}
.settings-form .check input{display:inline-block;flex:none;width:1.25rem;height:1.25rem;min-height:0;max-width:none;margin:0;padding:0}
.settings-form .check span{font-weight:400}
.settings-form fieldset.events{border:0;padding:0;margin:0 0 1.125rem}
.settings-form fieldset.events legend{font-size:1rem;padding:0;margin-bottom:.25rem}
.settings-form fieldset.events .check{align-items:flex-start;margin:.5rem 0 0}
.settings-form fieldset.events .check input{margin-top:.125rem;flex:none}
.label-like{display:block;font-weight:600;margin:0 0 .25rem}
.note{font-size:.875rem;margin:0 0 .5rem}
.error-line{display:block}
.form-actions{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.25rem}
.form-actions .button{margin-top:0}
.status-panel{margin:0 0 1.25rem}
.status-panel h2,.panel-heading{margin:0 0 .75rem}
.status-actions{display:flex;flex-wrap:wrap;gap:1rem 2rem}
.status-action{display:flex;flex-direction:column;align-items:flex-start;gap:.25rem;max-width:22rem;margin:0}
.status-action .hint{margin:0}
.status-failed{color:#a40e26;background:#ffebe9;border-color:#ff8182}
.danger{color:#b91c1c;border-color:#e5a3a3}
.button.danger{background:#b91c1c;color:#fff}
.button.danger:hover{background:#991b1b}
.alert ul{margin:.25rem 0 0;padding-left:1.25rem}
.alert p:last-child{margin-bottom:0}
.created{margin:0 0 1.5rem;border-left:4px solid #116329}
.created h2{margin-top:0}
.secret{margin:0 0 1rem}
.secret-value{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9375rem;overflow-wrap:anywhere;word-break:break-all;background:#f6f8fa;resize:none}
.once{margin:.5rem 0 0}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.875em;overflow-wrap:anywhere}
.url-line,.url-cell a{overflow-wrap:anywhere;word-break:break-word}
.desc{display:block;font-weight:400;color:#57606a;font-size:.875rem}
.when{display:block;font-size:.8125rem;color:#57606a;font-weight:400}
ul.plain{list-style:none;margin:0;padding:0}
.details{display:grid;grid-template-columns:minmax(7rem,max-content) 1fr;gap:.5rem 1rem;margin:0 0 1rem}
.details dt{font-weight:600;color:#57606a}
.details dd{margin:0;min-width:0}
.webhook-actions{display:flex;flex-wrap:wrap;align-items:center;gap:.75rem}
.webhook-actions .button{margin-top:0}
.webhook-actions a.link-button{text-decoration:none;display:inline-block}
.deliveries .answer{min-width:0}
.deliveries .link-button{white-space:nowrap}
.deliveries .meta .status{margin:.25rem 0}
.deliveries .code{font-weight:600;white-space:nowrap}
.attempt-error{display:block;font-size:.8125rem;color:#a40e26;overflow-wrap:anywhere}
.deliveries details{margin-top:.25rem;font-size:.8125rem}
.deliveries summary{cursor:pointer;color:#1d4ed8}
.deliveries pre{margin:.25rem 0 0;padding:.5rem;background:#f6f8fa;border-radius:.25rem;white-space:pre-wrap;overflow-wrap:anywhere;max-width:28rem;font-size:.8125rem}
.small{font-size:.875rem;margin-top:.5rem}
.keys .link-button{white-space:nowrap}
.optional{font-weight:400}
.cancel-line{margin:1rem 0 0}
.visually-hidden{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
@media (max-width:40rem){
.settings-form fieldset.panel{padding:1rem}
.details{grid-template-columns:1fr;gap:.125rem}
.details dd{margin-bottom:.5rem}
.deliveries pre{max-width:12rem}
.form-actions .button{width:100%}
}
`;
