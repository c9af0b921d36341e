// Static assets, kept as strings so that every function bundle carries them with no file access.

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
})();
`;

/** The partner-page script, served at /embed.js. */
export const EMBED_JS = String.raw`// One script tag on a partner page:
//   <script src="https://HUB/embed.js" data-partner="humanitas" data-lang="it" async></script>
// inserts the Hub's case form in an iframe right after the tag (or inside the element named by
// data-target) and keeps the iframe as tall as the form, so the page never shows a scroll bar in it.
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script) return;
  var hub = new URL(script.src).origin;
  var partner = script.getAttribute('data-partner') || '';
  var lang = script.getAttribute('data-lang') === 'en' ? 'en' : 'it';
  var frame = document.createElement('iframe');
  frame.src = hub + '/form?partner=' + encodeURIComponent(partner) + '&lang=' + lang;
  frame.title = lang === 'en' ? 'Submit a case to the Digital Health Innovation Hub' : 'Segnala un caso al Digital Health Innovation Hub';
  frame.setAttribute('loading', 'lazy');
  frame.style.width = '100%';
  frame.style.border = '0';
  frame.style.minHeight = '480px';
  frame.style.display = 'block';
  var target = script.getAttribute('data-target');
  var host = target ? document.querySelector(target) : null;
  if (host) host.appendChild(frame);
  else script.parentNode.insertBefore(frame, script.nextSibling);
  window.addEventListener('message', function (event) {
    if (event.origin !== hub || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (data && data.type === 'hub-intake:height' && typeof data.height === 'number' && data.height > 0 && data.height < 20000) {
      frame.style.height = data.height + 'px';
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
input:focus, select:focus, textarea:focus, button:focus, a:focus { outline: 3px solid #ffbf47; outline-offset: 1px; }
.options { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: 0.25rem 1rem; }
label.option { display: flex; gap: 0.5rem; align-items: flex-start; padding: 0.35rem 0; cursor: pointer; font-weight: normal; }
label.option input { width: 1.2rem; height: 1.2rem; margin-top: 0.15rem; flex: none; }
.has-error input, .has-error select, .has-error textarea { border-color: var(--error); border-width: 2px; }
.has-error { border-left: 4px solid var(--error); padding-left: 0.75rem; }
.field-error { color: var(--error); font-weight: 600; margin: 0.25rem 0; }
.error-summary { border: 3px solid var(--error); padding: 0.75rem 1rem; margin: 1rem 0; border-radius: 6px; }
.error-summary h2 { margin-top: 0; color: var(--error); }
.error-summary:focus { outline: 3px solid #ffbf47; outline-offset: 2px; }
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
@media (max-width: 480px) { main { padding: 12px; } dl.facts { grid-template-columns: 1fr; } h1 { font-size: 1.3rem; } }
`;
