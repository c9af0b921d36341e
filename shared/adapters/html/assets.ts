// Static assets, kept as strings so that every function bundle carries them with no file access.
import { ALTCHA_CSS, ALTCHA_JS, ALTCHA_PBKDF2_WORKER_JS, ALTCHA_VERSION } from './altcha-widget';

/** The embedded form's script, served at /assets/form.js. */
export const FORM_JS = String.raw`// The embedded form's behaviour: show Tele-X services only for Tele-X cases, require one
// clinical area, and tell the embedding page how tall the form is. The server checks it all again.
(function () {
  'use strict';
  var form = document.querySelector('form.case-form');
  var lang = document.documentElement.lang === 'en' ? 'en' : 'it';
  var messages = {
    it: { atLeastOne: 'Scegliere almeno un valore.' },
    en: { atLeastOne: 'Choose at least one.' }
  }[lang];

  function checkedIn(fieldset) {
    return fieldset.querySelectorAll('input[type=checkbox]:checked').length;
  }

  function syncGroups() {
    if (!form) return;
    var kind = form.querySelector('input[name=kind]:checked');
    var telex = form.querySelector('[data-requires-kind]');
    if (telex) {
      var active = kind && kind.value === telex.getAttribute('data-requires-kind');
      telex.hidden = !active;
      telex.querySelectorAll('input').forEach(function (input) {
        input.disabled = !active;
      });
      var first = telex.querySelector('input');
      if (first) first.setCustomValidity(active && checkedIn(telex) === 0 ? messages.atLeastOne : '');
    }
    form.querySelectorAll('fieldset[data-min]').forEach(function (group) {
      var first = group.querySelector('input');
      if (first) first.setCustomValidity(checkedIn(group) < Number(group.getAttribute('data-min')) ? messages.atLeastOne : '');
    });
  }

  function reportHeight() {
    if (window.parent === window) return;
    // The root element's own box, not scrollHeight: that is never less than the iframe itself,
    // so a frame once tall (the form) would never shrink to a shorter page (the thank-you page).
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    window.parent.postMessage({ type: 'hub-intake:height', height: height }, '*');
  }

  if (form) {
    form.addEventListener('change', function () {
      syncGroups();
      reportHeight();
    });
    form.addEventListener('submit', function () {
      var button = form.querySelector('button[type=submit]');
      if (button) setTimeout(function () { button.disabled = true; }, 0);
    });
    syncGroups();
  }
  var summary = document.getElementById('error-summary');
  if (summary) summary.focus();
  if (window.ResizeObserver) new ResizeObserver(reportHeight).observe(document.documentElement);
  window.addEventListener('load', reportHeight);
  reportHeight();
  // Each page in the frame says so: after a submission the embedding page brings it into view.
  if (window.parent !== window) window.parent.postMessage({ type: 'hub-intake:page' }, '*');
})();
`;

/** The partner-page script, served at /embed.js. */
export const EMBED_JS = String.raw`// One script tag on a partner page:
//   <script src="https://HUB/embed.js" data-partner="humanitas" data-lang="it" async></script>
// inserts the Hub's case form in an iframe right after the tag (or inside the element named by
// data-target) and keeps the iframe as tall as the form, so the page never shows a scroll bar in it.
// With data-view="figures" (no partner needed) it frames the Hub's four headline figures instead:
//   <script src="https://HUB/embed.js" data-view="figures" data-lang="en" async></script>
// Where the frame cannot show (the site is not on the partner's list, the network failed, no answer
// within data-timeout seconds, 20 by default), a link that opens it in a new tab takes its place.
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script) return;
  var hub = new URL(script.src).origin;
  var partner = script.getAttribute('data-partner') || '';
  var lang = script.getAttribute('data-lang') === 'en' ? 'en' : 'it';
  var figures = script.getAttribute('data-view') === 'figures';
  // The page a person opens when the frame cannot show: the form, or the dashboard for the figures.
  var formUrl = figures ? hub + '/dashboard?lang=' + lang : hub + '/form?partner=' + encodeURIComponent(partner) + '&lang=' + lang;
  var timeout = Number(script.getAttribute('data-timeout'));
  if (!(timeout >= 1 && timeout <= 120)) timeout = 20;
  var text = figures
    ? {
        it: { note: 'Le cifre dello Hub non si possono mostrare in questa pagina. ', link: 'Aprite le cifre del Digital Health Innovation Hub', newTab: ' (si apre in una nuova scheda)' },
        en: { note: 'The Hub’s figures cannot be shown on this page. ', link: 'Open the figures of the Digital Health Innovation Hub', newTab: ' (opens in a new tab)' }
      }[lang]
    : {
        it: { note: 'Il modulo dello Hub non si può mostrare in questa pagina. ', link: 'Aprite il modulo per segnalare un caso al Digital Health Innovation Hub', newTab: ' (si apre in una nuova scheda)' },
        en: { note: 'The Hub’s form cannot be shown on this page. ', link: 'Open the form to submit a case to the Digital Health Innovation Hub', newTab: ' (opens in a new tab)' }
      }[lang];
  var frame = document.createElement('iframe');
  if (figures) {
    frame.src = hub + '/embed/figures?lang=' + lang + '&embed=1';
    frame.title = lang === 'en' ? 'The Digital Health Innovation Hub in figures' : 'Il Digital Health Innovation Hub in cifre';
  } else {
    // embed=1: the form leaves out the landmarks (main, banner) the partner's page has already.
    frame.src = formUrl + '&embed=1';
    frame.title = lang === 'en' ? 'Submit a case to the Digital Health Innovation Hub' : 'Segnala un caso al Digital Health Innovation Hub';
  }
  frame.setAttribute('loading', 'lazy');
  frame.style.width = '100%';
  frame.style.border = '0';
  // Room for the content before it reports its height: a form is long, the figures are short.
  frame.style.minHeight = figures ? '0' : '480px';
  if (figures) frame.style.height = '220px';
  frame.style.display = 'block';
  var target = script.getAttribute('data-target');
  var host = target ? document.querySelector(target) : null;
  if (host) host.appendChild(frame);
  else script.parentNode.insertBefore(frame, script.nextSibling);

  // Every page of the form says so as soon as its script runs; a frame that loads without a word
  // shows the browser's error page instead (framing refused, network error).
  var ready = false;
  var failed = false;
  var timer = null;
  function wait(ms) {
    clearTimeout(timer);
    timer = setTimeout(fallback, ms);
  }
  function fallback() {
    if (ready || failed || !frame.parentNode) return;
    failed = true;
    var box = document.createElement('p');
    box.className = 'hub-intake-fallback';
    box.lang = lang;
    var link = document.createElement('a');
    link.href = formUrl;
    link.target = '_blank';
    link.rel = 'noopener';
    link.textContent = text.link + text.newTab;
    box.appendChild(document.createTextNode(text.note));
    box.appendChild(link);
    frame.parentNode.replaceChild(box, frame);
  }
  frame.addEventListener('load', function () {
    if (!ready) wait(3000);
  });
  // A lazy frame loads only near the viewport: the wait starts once it is in view.
  if (window.IntersectionObserver) {
    var watch = new IntersectionObserver(function (entries) {
      if (!entries.some(function (entry) { return entry.isIntersecting; })) return;
      watch.disconnect();
      if (!ready && !failed && timer === null) wait(timeout * 1000);
    });
    watch.observe(frame);
  } else {
    wait(timeout * 1000);
  }

  var pages = 0;
  window.addEventListener('message', function (event) {
    if (failed || event.origin !== hub || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (!data || (data.type !== 'hub-intake:height' && data.type !== 'hub-intake:page')) return;
    ready = true;
    clearTimeout(timer);
    if (data.type === 'hub-intake:height' && typeof data.height === 'number' && data.height > 0 && data.height < 20000) {
      frame.style.height = data.height + 'px';
    }
    // A page after the first (the thank-you page, or the form back with its errors) is read from
    // its top: a person who submitted from the bottom of a long form would otherwise see nothing.
    if (data.type === 'hub-intake:page' && ++pages > 1 && frame.getBoundingClientRect().top < 0) {
      frame.scrollIntoView({ block: 'start' });
    }
  });
})();
`;

/** The stylesheet of every page, served at /assets/hub.css. */
export const HUB_CSS = String.raw`:root { --ink: #1b1f24; --muted: #5b6470; --brand: #00558c; --error: #b3261e; --ok: #1e7a3c; --line: #d5dbe1; --bg: #f4f6f8; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: var(--ink); background: #fff; }
body.standalone { background: var(--bg); }
header.site { background: var(--brand); color: #fff; padding: 12px 16px; }
header.site .brand { margin: 0; font-weight: 700; }
main { max-width: 760px; margin: 0 auto; padding: 16px; }
body.standalone main { background: #fff; margin: 16px auto; border-radius: 8px; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0.5rem 0 0.75rem; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 0.5rem; }
.lead { color: var(--muted); }
.muted, .hint { color: var(--muted); font-weight: normal; }
.hint { margin: 0.25rem 0; font-size: 0.9rem; }
a { color: var(--brand); }
.lang-switch { text-align: right; margin: 0; }
fieldset { border: 0; padding: 0; margin: 0; min-width: 0; }
fieldset.section { border-top: 1px solid var(--line); padding-top: 0.75rem; margin-top: 1rem; }
fieldset.section > legend { font-size: 1.15rem; font-weight: 700; padding: 0; margin-bottom: 0.5rem; }
.field { margin: 0 0 1rem; }
.field > label, .choices > legend { display: block; font-weight: 600; margin-bottom: 0.25rem; padding: 0; }
input[type=text], input[type=email], input[type=number], input[type=date], select, textarea {
  width: 100%; font: inherit; padding: 0.6rem 0.7rem; border: 1px solid #8a939d; border-radius: 6px; background: #fff; color: inherit; }
textarea { resize: vertical; }
/* Focus: a dark ring (3:1 and more on every background of the pages) around a yellow one. */
input:focus, select:focus, textarea:focus, button:focus, a:focus, summary:focus { outline: 3px solid var(--ink); outline-offset: 2px; box-shadow: 0 0 0 2px #ffbf47; }
.options { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: 0.25rem 1rem; }
label.option { display: flex; gap: 0.5rem; align-items: flex-start; padding: 0.35rem 0; cursor: pointer; font-weight: normal; }
label.option input { width: 1.2rem; height: 1.2rem; margin-top: 0.15rem; flex: none; }
.has-error input, .has-error select, .has-error textarea { border-color: var(--error); border-width: 2px; }
.has-error { border-left: 4px solid var(--error); padding-left: 0.75rem; }
.field-error { color: var(--error); font-weight: 600; margin: 0.25rem 0; }
.error-summary { border: 3px solid var(--error); padding: 0.75rem 1rem; margin: 1rem 0; border-radius: 6px; }
.error-summary h2 { margin-top: 0; color: var(--error); }
.error-summary:focus { outline: 3px solid var(--ink); outline-offset: 2px; box-shadow: 0 0 0 2px #ffbf47; }
.notice { border-radius: 6px; padding: 0.75rem 1rem; margin: 1rem 0; }
.notice.success { border: 3px solid var(--ok); }
.notice.success h1 { margin-top: 0; }
button, .button { font: inherit; font-weight: 700; background: var(--brand); color: #fff; border: 0; border-radius: 6px; padding: 0.8rem 1.4rem; cursor: pointer; min-height: 44px; }
button[disabled] { opacity: 0.6; cursor: progress; }
.hp { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.status { display: inline-block; padding: 0.1rem 0.5rem; border-radius: 999px; background: #e7edf3; font-weight: 600; }
.status-approved { background: #dff3e5; color: var(--ok); }
.status-rejected, .status-failed, .status-expired { background: #fbe4e2; color: var(--error); }
ol.history { padding-left: 1.25rem; }
ol.history li { margin-bottom: 0.5rem; }
blockquote { margin: 0.25rem 0 0; padding-left: 0.75rem; border-left: 3px solid var(--line); white-space: pre-wrap; }
@media (max-width: 480px) { main { padding: 12px; } dl.facts { grid-template-columns: 1fr; } h1 { font-size: 1.25rem; } }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
/* Definition lists whose pairs are wrapped (one div per term): the pairs stay on the list's grid. */
dl.facts > div { display: contents; }
p.summary { white-space: pre-wrap; overflow-wrap: anywhere; }
/* The review page: read on a phone from a mail, the decision within the first screen. */
.review-head { display: flex; justify-content: space-between; align-items: baseline; gap: 0.75rem; }
.review-head p { margin: 0; }
.review-head .muted { font-size: 0.9rem; overflow-wrap: anywhere; }
.personal { margin-top: 1.5rem; font-size: 0.9rem; overflow-wrap: anywhere; }
dl.facts.brief { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 0.4rem 1rem; margin: 0 0 0.75rem; }
dl.facts.brief > div { display: block; min-width: 0; }
dl.facts.brief dt { font-size: 0.85rem; }
dl.facts.brief dd { font-weight: 600; overflow-wrap: anywhere; }
.decision-form { border: 2px solid var(--brand); border-radius: 8px; padding: 0.75rem; margin: 0 0 1rem; }
.decision-form .choices > legend { margin-bottom: 0.5rem; }
.legend-heading { font-size: 1.15rem; margin: 0; }
.decision-options { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 0.5rem; }
label.decision-option { display: flex; align-items: center; gap: 0.4rem; min-height: 48px; padding: 0.35rem 0.5rem; border: 1px solid #8a939d; border-radius: 6px; cursor: pointer; line-height: 1.2; font-weight: 600; }
label.decision-option input { width: 1.2rem; height: 1.2rem; margin: 0; flex: none; }
label.decision-option:has(input:checked) { border: 2px solid var(--brand); background: #e7f0f7; }
label.decision-option:has(input:focus-visible) { outline: 3px solid #ffbf47; outline-offset: 1px; }
.decision-form .field { margin: 0.75rem 0 0.5rem; }
.decision-form .submit { margin: 0; }
.decision-form button { width: 100%; }
.changes-list { list-style: none; padding: 0; margin: 0; }
.changes-list > li { border-top: 1px solid var(--line); padding: 0.5rem 0; }
.change-field { margin: 0 0 0.2rem; font-weight: 600; }
.change-kind { display: inline-block; margin-left: 0.25rem; padding: 0 0.45rem; border-radius: 999px; background: #e7edf3; font-size: 0.8rem; font-weight: 600; }
.change-added { background: #dff3e5; color: #14532a; }
.change-removed { background: #fbe4e2; color: #8a1c15; }
.change-values { overflow-wrap: anywhere; white-space: pre-wrap; }
.change-values .items { display: block; }
.change-values details { margin-bottom: 0.25rem; }
.change-values summary { cursor: pointer; color: var(--brand); }
del { color: #8a1c15; background: #fbe4e2; }
ins { color: #14532a; background: #dff3e5; text-decoration: none; }
@media (max-width: 480px) {
  header.site { padding: 10px 12px; }
  header.site .brand { font-size: 0.9rem; }
  dl.facts.brief > .wide { grid-column: 1 / -1; }
  .decision-form { padding: 0.5rem; }
  .decision-options { gap: 0.3rem; }
  /* The radio above its word: three choices side by side still fit a 360 px screen, in either language. */
  label.decision-option { flex-direction: column; justify-content: center; text-align: center; padding: 0.35rem 0.1rem; gap: 0.2rem; font-size: 0.85rem; overflow-wrap: anywhere; }
}
@media (min-width: 600px) { .decision-form { padding: 1rem 1.25rem; } .decision-form button { width: auto; } dl.facts.brief { grid-template-columns: repeat(3, minmax(0, 1fr)); } }
/* The dashboard: wider than the forms, cards on the page's grey. */
body.standalone main:has(> .dashboard) { max-width: 1240px; background: transparent; border-radius: 0; padding: 8px 20px 32px; }
.dashboard .card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px; }
.dash-head { display: flex; justify-content: space-between; align-items: flex-start; gap: 1rem; }
.dash-head h1 { font-size: 1.9rem; margin-bottom: 0.25rem; }
.dash-head .lead { margin: 0; max-width: 62ch; }
.dash-head .lang-switch { white-space: nowrap; padding-top: 0.75rem; }
.provenance { color: var(--muted); font-size: 0.9rem; margin: 0.5rem 0 1rem; }
.figures { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 16px; }
.figure { display: flex; flex-direction: column; gap: 0.35rem; background: #fff; border: 1px solid var(--line); border-top: 5px solid var(--brand); border-radius: 10px; padding: 18px 20px 20px; }
.figure-value { font-size: clamp(2.1rem, 4.2vw, 3.4rem); font-weight: 800; line-height: 1.05; color: var(--brand); font-variant-numeric: tabular-nums; letter-spacing: -0.01em; }
.figure-label { font-weight: 600; color: var(--ink); line-height: 1.3; }
.dash-section { margin-top: 2rem; }
.dash-section > h2 { font-size: 1.35rem; margin: 0 0 0.35rem; }
.section-lead { color: var(--muted); margin: 0 0 1rem; max-width: 80ch; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(330px, 1fr)); gap: 16px; align-items: start; }
.chart-card { margin: 0; }
.chart-card h3, .trend-card h3, .structures-card h3 { font-size: 1.05rem; margin: 0 0 0.75rem; }
svg.chart { display: block; width: 100%; height: auto; overflow: visible; font-family: inherit; }
svg.chart text { font-family: inherit; }
.chart-note { color: var(--muted); font-size: 0.85rem; margin: 0.6rem 0 0; }
details.chart-data { margin-top: 0.6rem; font-size: 0.9rem; }
details.chart-data summary { cursor: pointer; color: var(--brand); font-weight: 600; }
table.data { border-collapse: collapse; width: 100%; margin-top: 0.5rem; }
table.data caption { text-align: left; font-weight: 600; padding-bottom: 0.25rem; }
table.data th, table.data td { text-align: left; padding: 0.3rem 0.5rem; border-bottom: 1px solid var(--line); font-weight: normal; }
table.data thead th { font-weight: 700; color: var(--muted); }
table.data .num { text-align: right; font-variant-numeric: tabular-nums; }
.stats { list-style: none; margin: 0; padding: 0; display: grid; gap: 16px; }
.stat { display: flex; flex-direction: column; background: #fff; border: 1px solid var(--line); border-left: 5px solid var(--brand); border-radius: 10px; padding: 14px 18px; }
.stat-value { font-size: 1.9rem; font-weight: 800; color: var(--brand); line-height: 1.1; font-variant-numeric: tabular-nums; }
.stat-label { font-weight: 600; }
.trends { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 16px; }
.trend-card { margin: 0; display: flex; flex-direction: column; justify-content: space-between; }
.trend-once { margin: 0; }
.about { margin-top: 2rem; }
.about h2 { margin-top: 0; }
.definitions { padding-left: 1.25rem; color: var(--muted); }
.links { margin-bottom: 0; }
.dashboard .notice.card { border-left: 5px solid var(--brand); }
.dashboard .notice h2 { margin-top: 0; }
svg.chart-bar { max-width: 520px; }
@media (max-width: 900px) { .figures { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
@media (max-width: 480px) {
  body.standalone main:has(> .dashboard) { padding: 4px 12px 24px; }
  .dash-head { flex-direction: column-reverse; gap: 0; }
  .dash-head h1 { font-size: 1.5rem; }
  .dash-head .lang-switch { padding-top: 0; align-self: flex-end; }
  .figures { gap: 10px; }
  .figure { padding: 12px 14px 14px; }
  .figure-value { font-size: 1.9rem; }
  .figure-label { font-size: 0.9rem; }
  .charts { grid-template-columns: minmax(0, 1fr); }
  .dashboard .card { padding: 14px; }
}
/* The catalogue: filters in a grid, the active ones as removable chips, pages both ways. */
.catalog .dash-head h1 { font-size: 1.6rem; }
.catalog-links { margin: 0.5rem 0 1rem; }
.filter-fields { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 0 1rem; }
.filters .field { margin-bottom: 0.5rem; }
.active-filters { display: flex; flex-wrap: wrap; align-items: center; gap: 0.25rem 0.75rem; margin: 0.5rem 0; }
.active-filters p { margin: 0; }
.active-filters ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.5rem; }
.chip { display: inline-flex; align-items: center; gap: 0.4rem; min-height: 36px; padding: 0.25rem 0.75rem; border: 1px solid var(--brand); border-radius: 999px; text-decoration: none; background: #e7edf3; }
.chip-x { font-weight: 700; font-size: 1.1rem; line-height: 1; }
.result-count { font-weight: 700; margin: 1rem 0 0.5rem; }
article.case { border-top: 1px solid var(--line); padding-top: 0.5rem; }
article.case h2 { margin-top: 0.75rem; }
.pager { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0.5rem 1rem; margin: 1.5rem 0 0.5rem; border-top: 1px solid var(--line); padding-top: 1rem; }
.pager a { display: inline-flex; align-items: center; gap: 0.35rem; min-height: 44px; font-weight: 600; white-space: nowrap; }
.pager a[rel=next] { margin-left: auto; }
@media (max-width: 480px) { .catalog .dash-head { flex-direction: column-reverse; gap: 0; } .catalog .dash-head .lang-switch { align-self: flex-end; padding-top: 0; } }
/* A figure not published yet (the median below its threshold): the label and why, no number. */
.stat-pending .stat-note { color: var(--muted); font-size: 0.9rem; margin-top: 0.25rem; }
.table-scroll { overflow-x: auto; }
table.structures th[scope=row] { font-weight: 600; }
@media (min-width: 760px) { .structures-card { grid-column: span 2; } }
.embed-snippet pre { background: #f4f6f8; border: 1px solid var(--line); border-radius: 6px; padding: 0.75rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; margin: 0; }
.embed-snippet pre:focus { outline: 3px solid #ffbf47; outline-offset: 1px; }
.snippet-label { font-weight: 600; margin: 0.75rem 0 0.25rem; }
/* The figures framed in a partner's page: no chrome, as short as it can be. */
body.embedded main:has(> .embed-figures) { max-width: none; padding: 8px; }
.embed-figures .figures { gap: 10px; }
.embed-figures .figure { padding: 12px 14px; border-top-width: 4px; }
.embed-figures .figure-value { font-size: clamp(1.6rem, 5vw, 2.4rem); }
.embed-figures .figure-label { font-size: 0.9rem; }
.embed-foot { margin: 0.6rem 0 0; font-size: 0.9rem; }
@media (max-width: 560px) { .embed-figures .figures { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
/* The form framed in a partner's page: laid out as main is, without being a landmark. */
.frame-content { max-width: 760px; margin: 0 auto; padding: 16px; }
@media (max-width: 480px) { .frame-content { padding: 12px; } }
`;

/**
 * The report's stylesheet (/assets/report.css): its screen layout, and how it prints: A4, no
 * navigation, each section on a new page, no table or finding split across pages, links followed
 * by their address.
 */
export const REPORT_CSS = String.raw`body.standalone main:has(> .report) { max-width: 960px; padding: 16px 24px 32px; }
.report .figure-value { font-size: clamp(1.6rem, 4vw, 2.4rem); }
@media (max-width: 700px) { .report .figures { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
.report-nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; justify-content: flex-end; gap: 0.25rem 1rem; }
.report-nav a { display: inline-flex; align-items: center; min-height: 44px; }
.report .provenance { color: var(--muted); font-size: 0.9rem; }
.report-section { margin-top: 2rem; }
.report-section > h2 { border-bottom: 2px solid var(--brand); padding-bottom: 0.25rem; }
.report .figures { margin: 1rem 0; }
.findings { display: grid; gap: 16px; }
.finding { border: 1px solid var(--line); border-left: 5px solid var(--brand); border-radius: 10px; padding: 12px 16px; }
.finding h3 { margin: 0 0 0.25rem; font-size: 1.05rem; }
.finding-value { font-size: 1.4rem; font-weight: 800; color: var(--brand); margin: 0.25rem 0; font-variant-numeric: tabular-nums; }
.finding-rule { color: var(--muted); font-size: 0.9rem; margin-bottom: 0; }
ol.editorial { padding-left: 1.5rem; }
ol.editorial li { margin-bottom: 1rem; }
ol.editorial h3 { font-size: 1.05rem; margin: 0 0 0.25rem; }
ol.editorial p { margin: 0 0 0.5rem; }
@page { size: A4; margin: 18mm 16mm 20mm; }
@media print {
  body, body.standalone { background: #fff; color: #000; font-size: 10.5pt; }
  header.site, .report-nav, .print-hint { display: none !important; }
  body.standalone main { margin: 0; padding: 0; max-width: none; border-radius: 0; }
  .report-section { break-before: page; margin-top: 0; }
  .report-section.first { break-before: auto; }
  h2, h3 { break-after: avoid; }
  table, tr, .finding, .figure, ol.editorial li, dl.facts { break-inside: avoid; }
  /* The breakdowns by population and device class fit a page: their heading and lead never end one alone. */
  .report-profile { break-inside: avoid; }
  thead { display: table-header-group; }
  body.standalone main:has(> .report) { max-width: none; padding: 0; }
  .report .figures { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 10px; }
  .report .figure { padding: 10px 14px; }
  .report .figure-value { font-size: 24pt; }
  .finding { padding: 8px 12px; }
  a { color: #000; }
  a[href]::after { content: " (" attr(href) ")"; font-size: 0.85em; word-break: break-all; }
}
`;

/**
 * What the ALTCHA widget needs from the Hub, run right after it (the two are served as one file,
 * /assets/altcha.js, so nothing can ask for a challenge before this ran): its PBKDF2 worker from
 * our own origin (the CSP allows no blob: worker) and its texts in Italian and English.
 */
export const CHALLENGE_JS = String.raw`(function () {
  'use strict';
  var altcha = window.$altcha;
  if (!altcha) return;
  var worker = '/assets/altcha-pbkdf2.js?v=${ALTCHA_VERSION}';
  ['PBKDF2/SHA-256', 'PBKDF2/SHA-384', 'PBKDF2/SHA-512'].forEach(function (algorithm) {
    altcha.algorithms.set(algorithm, function () { return new Worker(worker); });
  });
  var footer = function (text, label) {
    return text + ' <a href="https://altcha.org/" target="_blank" rel="noopener" tabindex="-1" aria-label="' + label + '">ALTCHA</a>';
  };
  altcha.i18n.set('it', {
    ariaLinkLabel: 'ALTCHA (sito ufficiale, si apre in una nuova finestra)',
    cancel: 'Annulla',
    enterCode: 'Inserire il codice',
    enterCodeAria: 'Inserire il codice che si sente. Premere Spazio per ascoltarlo.',
    enterCodeFromImage: 'Per continuare, inserire il codice dell’immagine.',
    error: 'Verifica non riuscita. Spuntare di nuovo la casella; se non basta, ricaricare la pagina.',
    expired: 'La verifica è scaduta. Spuntare di nuovo la casella.',
    footer: footer('Protetto da', 'ALTCHA (sito ufficiale, si apre in una nuova finestra)'),
    getAudioChallenge: 'Ascoltare il codice',
    label: 'Non sono un robot',
    loading: 'Caricamento…',
    reload: 'Ricarica',
    verify: 'Verifica',
    verificationRequired: 'Spuntare la casella «Non sono un robot» prima di inviare.',
    verified: 'Verificato: il modulo si può inviare',
    verifying: 'Verifica in corso…',
    waitAlert: 'Verifica in corso, attendere un momento e inviare di nuovo.'
  });
  altcha.i18n.set('en', {
    ariaLinkLabel: 'ALTCHA (official website, opens in a new window)',
    cancel: 'Cancel',
    enterCode: 'Enter the code',
    enterCodeAria: 'Enter the code you hear. Press Space to play it.',
    enterCodeFromImage: 'To go on, enter the code in the image.',
    error: 'The check failed. Tick the box again; if that does not help, reload the page.',
    expired: 'The check has expired. Tick the box again.',
    footer: footer('Protected by', 'ALTCHA (official website, opens in a new window)'),
    getAudioChallenge: 'Listen to the code',
    label: 'I am not a robot',
    loading: 'Loading…',
    reload: 'Reload',
    verify: 'Verify',
    verificationRequired: 'Tick “I am not a robot” before submitting.',
    verified: 'Verified: the form can be sent',
    verifying: 'Checking…',
    waitAlert: 'Checking, wait a moment and submit again.'
  });

  // The widget shows its state but does not speak it: a live region does. Its errors are alerts already.
  var lang = document.documentElement.lang === 'en' ? 'en' : 'it';
  var status = document.getElementById('challenge-status');
  document.querySelectorAll('altcha-widget').forEach(function (widget) {
    widget.addEventListener('statechange', function (event) {
      var state = event.detail && event.detail.state;
      var strings = altcha.i18n.get(lang) || {};
      var text = { verifying: strings.verifying, verified: strings.verified, expired: strings.expired }[state];
      if (status && text) status.textContent = text;
    });
    // A challenge lapses while a long form is being filled in: solve a fresh one, as at load.
    widget.addEventListener('expired', function () {
      if (typeof widget.verify === 'function') widget.verify();
    });
    // Sent while the check still runs, and nothing else wrong: the browser says to wait, and the
    // form goes as soon as the check is done, so nobody has to press the button twice.
    var form = widget.closest('form');
    var pending = false;
    if (form) {
      form.addEventListener('invalid', function (event) {
        var box = widget.querySelector('input[type=checkbox]');
        if (event.target !== box || !widget.getState || widget.getState() !== 'verifying') return;
        var others = Array.prototype.filter.call(form.elements, function (element) {
          return element !== box && element.willValidate && !element.validity.valid;
        });
        pending = others.length === 0;
      }, true);
      widget.addEventListener('statechange', function (event) {
        var state = event.detail && event.detail.state;
        if (state !== 'verifying' && state !== 'verified') pending = false;
        if (state === 'verified' && pending) {
          pending = false;
          setTimeout(function () { form.requestSubmit ? form.requestSubmit() : form.submit(); }, 0);
        }
      });
    }
  });
})();
`;

/** The widget in the Hub's look, after its own stylesheet (served with it at /assets/altcha.css). */
export const CHALLENGE_CSS = String.raw`:root { --altcha-max-width: 440px; --altcha-color-primary: #00558c; --altcha-color-success: #1e7a3c; --altcha-color-error: #b3261e; --altcha-checkbox-size: 24px; }
.altcha .altcha-checkbox input:focus, .altcha .altcha-checkbox input:focus-visible { outline: 3px solid #1b1f24; outline-offset: 2px; box-shadow: 0 0 0 2px #ffbf47; }
.altcha .altcha-checkbox-wrap label { cursor: pointer; }
`;

export { ALTCHA_CSS, ALTCHA_JS, ALTCHA_PBKDF2_WORKER_JS, ALTCHA_VERSION };
