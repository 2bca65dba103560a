import { CASE_PAGES_STYLE } from "./console-case-style";
import { RESULTS_PAGES_STYLE } from "./console-results-style";
import { SETTINGS_PAGES_STYLE } from "./console-settings-style";

/**
 * The console's one stylesheet: the shell and shared components here, each page group's rules in its
 * own module. It is inlined in every page and allowed by the CSP through its hash, so there is no
 * stylesheet request and no unsafe-inline.
 */
const SHELL_STYLE = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#f6f7f9;color:#1f2328;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK TC","Noto Sans CJK SC","PingFang TC","PingFang SC","Microsoft JhengHei","Microsoft YaHei",sans-serif}
a{color:#1d4ed8}
a:hover{color:#1e3a8a}
:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}
.skip{position:absolute;left:.5rem;top:-3rem;padding:.5rem 1rem;background:#fff;border:2px solid #1d4ed8;border-radius:.375rem;z-index:1}
.skip:focus{top:.5rem}
.top{background:#fff;border-bottom:1px solid #d8dee4}
.bar,.tabs ul,main{max-width:72rem;margin:0 auto;padding-left:1rem;padding-right:1rem}
.bar{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.25rem;padding-top:.625rem;padding-bottom:.625rem}
.product{font-weight:700;font-size:1.125rem;color:#1f2328;text-decoration:none;margin-right:auto}
.product:hover{color:#1d4ed8}
.langs ul,.tabs ul{list-style:none;display:flex}
.langs ul{margin:0;padding:0;gap:.25rem}
.langs a{display:inline-block;padding:.25rem .5rem;border-radius:.375rem;font-size:.875rem;text-decoration:none;color:#57606a}
.langs a[aria-current]{color:#1f2328;font-weight:600;background:#eaeef2}
.account{display:flex;align-items:center;gap:.75rem;margin:0}
.who{font-size:.875rem;color:#57606a;overflow-wrap:anywhere}
.link-button{padding:.375rem .75rem;border:1px solid #d0d7de;border-radius:.375rem;background:#fff;color:#1f2328;font:inherit;font-size:.875rem;cursor:pointer}
.link-button:hover{background:#f3f4f6}
.tabs ul{flex-wrap:wrap;gap:0 .25rem;padding:0 .5rem}
.tabs a{display:block;padding:.625rem .5rem;border-bottom:3px solid transparent;color:#57606a;text-decoration:none;white-space:nowrap}
.tabs a:hover{color:#1f2328;border-bottom-color:#d0d7de}
.tabs a[aria-current]{color:#1f2328;font-weight:600;border-bottom-color:#1d4ed8}
main{padding-top:1.5rem;padding-bottom:3rem}
main:focus{outline:none}
h1{font-size:1.5rem;line-height:1.3;margin:0 0 1rem}
h2{font-size:1.125rem;margin:2rem 0 .75rem}
p{margin:0 0 1rem}
.narrow{max-width:28rem;margin:1rem auto 0}
.panel{background:#fff;border:1px solid #d8dee4;border-radius:.5rem;padding:1.5rem}
.narrow .panel{padding:1.5rem 1.25rem}
.muted{color:#57606a}
.notice{padding:.75rem 1rem;margin:0 0 1rem;border-left:4px solid #1d4ed8;background:#eff6ff;border-radius:.375rem}
.alert{padding:.75rem 1rem;margin:0 0 1rem;border-left:4px solid #b91c1c;background:#fef2f2;border-radius:.375rem}
label{display:block;font-weight:600;margin:0 0 .25rem}
.hint{display:block;font-size:.875rem;color:#57606a;margin:0 0 .5rem}
.error{color:#b91c1c;font-weight:600;margin:0 0 .5rem}
input[type=email]{display:block;width:100%;min-height:2.75rem;padding:.5rem .75rem;border:1px solid #8c959f;border-radius:.375rem;font:inherit;background:#fff;color:inherit}
input[aria-invalid=true]{border:2px solid #b91c1c}
.check{display:flex;align-items:center;gap:.5rem;font-weight:400;margin:.75rem 0 0}
.check input{width:1.25rem;height:1.25rem;margin:0}
.button{display:inline-block;min-height:2.75rem;margin-top:1rem;padding:.625rem 1.25rem;border:0;border-radius:.375rem;background:#1d4ed8;color:#fff;font:inherit;font-weight:600;text-decoration:none;cursor:pointer}
.button:hover{background:#1e40af;color:#fff}
.narrow .button{width:100%}
.table-wrap{background:#fff;border:1px solid #d8dee4;border-radius:.5rem;overflow:hidden}
table{width:100%;border-collapse:collapse}
caption{text-align:left;padding:.75rem 1rem;font-size:.875rem;color:#57606a;border-bottom:1px solid #d8dee4}
th,td{text-align:left;padding:.75rem 1rem;border-bottom:1px solid #eaeef2;vertical-align:top}
th{font-size:.8125rem;font-weight:600;color:#57606a;background:#f6f8fa}
tr:last-child td{border-bottom:0}
td.name{font-weight:600;overflow-wrap:break-word}
.meta{display:none;margin-top:.25rem;font-size:.8125rem;font-weight:400;color:#57606a}
td.date{white-space:nowrap;color:#57606a}
.status{display:inline-block;padding:.125rem .5rem;border-radius:999px;font-size:.8125rem;font-weight:600;white-space:nowrap;border:1px solid}
.status-active{color:#116329;background:#dafbe1;border-color:#4ac26b}
.status-paused{color:#7d4e00;background:#fff8c5;border-color:#d4a72c}
.status-archived{color:#424a53;background:#eaeef2;border-color:#afb8c1}
.pager{display:flex;justify-content:space-between;gap:1rem;margin-top:1rem}
.empty{padding:2rem 1.5rem;text-align:center}
.inline{display:inline;margin:0}
.inline .link-button{margin:0}
@media (max-width:40rem){
h1{font-size:1.25rem}
.bar{gap:.375rem .75rem}
.who{display:none}
.langs{order:3;flex-basis:100%}
.tabs a{padding:.5rem}
th,td{padding:.625rem .75rem}
.hide-narrow{display:none}
.meta{display:block}
}
@media (forced-colors:active){.tabs a[aria-current],.langs a[aria-current]{text-decoration:underline}}
`;

export const CONSOLE_STYLE = [SHELL_STYLE, RESULTS_PAGES_STYLE, CASE_PAGES_STYLE, SETTINGS_PAGES_STYLE].join(
  "",
);
