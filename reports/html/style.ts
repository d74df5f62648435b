/** The HTML report's stylesheet: system fonts, light and dark colours as variables, one column on narrow screens. */
export const STYLE = `
:root{--bg:#f7f7f5;--fg:#1d1d1f;--muted:#5f6368;--card:#fff;--border:#dadce0;--pass:#1e8e3e;--fail:#d93025;--ok:#1e8e3e;--blocked:#c5221f;--thin:#b06000;--code:#f1f3f4;--grid:#e8eaed}
@media (prefers-color-scheme:dark){:root{--bg:#17181a;--fg:#e8eaed;--muted:#9aa0a6;--card:#202124;--border:#3c4043;--pass:#81c995;--fail:#f28b82;--ok:#81c995;--blocked:#f28b82;--thin:#fdd663;--code:#2d2e31;--grid:#34363a}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header.page,main,footer{max-width:1100px;margin:0 auto;padding:16px 24px}
h1{font-size:1.6rem;margin:.2em 0}h2{font-size:1.25rem;margin:1.2em 0 .5em}h3{font-size:1.1rem;margin:0}h4{margin:1em 0 .3em;font-size:.95rem}
nav a{margin-right:.8em;color:inherit}
.muted{color:var(--muted)}
.card{background:var(--card);border:1px solid var(--border);border-radius:10px;padding:16px 18px;margin:0 0 16px}
.card>header{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:center;justify-content:space-between}
.card.ok{border-left:5px solid var(--ok)}.card.blocked{border-left:5px solid var(--blocked)}.card.thin{border-left:5px solid var(--thin)}
.badge{border-radius:999px;padding:2px 10px;font-size:.85rem;font-weight:600;border:1px solid currentColor}
.badge.ok{color:var(--ok)}.badge.blocked{color:var(--blocked)}.badge.thin{color:var(--thin)}
.facts{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:6px 16px;margin:8px 0}
.facts dt{font-size:.8rem;color:var(--muted)}.facts dd{margin:0}
code,pre{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--code);border-radius:4px}
code{padding:1px 4px;overflow-wrap:anywhere}pre{padding:10px 12px;overflow-x:auto;white-space:pre-wrap}pre code{padding:0;background:none}
ol.blockers{padding-left:1.3em}ol.blockers li{margin-bottom:.5em}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid var(--border);padding:6px 8px;text-align:left;vertical-align:top}
th{font-weight:600;white-space:nowrap}td.n,th.n{text-align:right;white-space:nowrap}
tr.unknown td{color:var(--muted)}tr.failing td:first-child{border-left:3px solid var(--fail)}
figure.chart{margin:12px 0 0}svg.daily{width:100%;height:auto;display:block}
svg .pass{fill:var(--pass)}svg .fail{fill:var(--fail)}svg .grid{stroke:var(--grid);stroke-width:1}svg .axis{stroke:var(--muted);stroke-width:1}
svg .tick{fill:var(--muted);font-size:11px}svg .bar:hover rect{opacity:.8}
figcaption{font-size:.85rem;margin-top:4px}.key{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 4px 0 10px}.key.pass{background:var(--pass)}.key.fail{background:var(--fail)}
@media (max-width:640px){header.page,main,footer{padding:12px}.card{padding:12px}body{font-size:14px}th,td{padding:5px 6px}}
@media print{.card{break-inside:avoid}}
`;
