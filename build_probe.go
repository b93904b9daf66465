//go:build nativeprobe

package main

// probeJS, in builds with the nativeprobe tag (scripts/webkit-native.sh),
// stands in for the frontend's native wiring and reports to the log what
// reaches the page, so a script can check the real WebKitGTK window: every
// keydown (GTK keeps the keys of native accelerators), every menu:command,
// the text of the focused input or editor after each key, the files it is handed
// (which it opens, as the frontend will, so Open Recent fills), the quit
// protocol (it acknowledges each request, cancels the first and confirms
// the second), and adds a plain input at the bottom right.
const probeJS = `(() => {
  const App = window.go.main.App;
  const report = (what) => App.ReportTiming({ name: 'probe ' + what, ms: 0 });
  const mods = (e) => (e.ctrlKey ? 'Ctrl+' : '') + (e.altKey ? 'Alt+' : '') + (e.shiftKey ? 'Shift+' : '');
  window.addEventListener('keydown', (e) => report('keydown ' + mods(e) + e.key + ' code=' + e.code), true);
  // After each key, the text of the focused input or editor.
  window.addEventListener('keyup', (e) => {
    if (['Control', 'Shift', 'Alt', 'Meta'].includes(e.key)) return;
    const t = document.activeElement;
    const cm = t && t.closest && t.closest('.cm-editor');
    if (cm) report('text editor ' + JSON.stringify(cm.querySelector('.cm-content').innerText.replace(/\n$/, '')));
    else if (t && t.tagName === 'INPUT') report('text input ' + JSON.stringify(t.value));
  }, true);
  const open = (paths, source) => paths.forEach((path) =>
    App.OpenSQLFile({ path }).then(
      (f) => report('opened ' + source + ' ' + f.name + ' ' + f.content.length + ' chars'),
      (err) => report('refused ' + source + ' ' + path + ' ' + err.message)));
  window.runtime.EventsOn('menu:command', (p) => report('menu:command ' + p.id));
  // As frontend/src/lib/native textUndoKeys: WebKitGTK binds no undo key in
  // form fields.
  window.addEventListener('keydown', (e) => {
    const t = e.target;
    if (!e.ctrlKey || e.altKey || !t || (t.tagName !== 'INPUT' && t.tagName !== 'TEXTAREA')) return;
    const k = e.key.toLowerCase();
    const cmd = k === 'z' ? (e.shiftKey ? 'redo' : 'undo') : k === 'y' ? 'redo' : '';
    if (cmd && document.execCommand(cmd)) e.preventDefault();
  });
  window.runtime.EventsOn('files:open', (p) => open(p.paths, p.source));
  let quits = 0;
  window.runtime.EventsOn('app:quit-requested', (q) => {
    App.AcknowledgeQuit({ requestId: q.requestId });
    quits++;
    report('quit-requested ' + q.requestId + ' openWork=' + q.openWork.length + (quits === 1 ? ' cancel' : ' confirm'));
    if (quits === 1) App.CancelQuit(); else App.ConfirmQuit();
  });
  // A plain input with no framework binding, to tell the webview's own text
  // editing from the app's (bottom right of the window).
  const plain = document.createElement('input');
  plain.id = 'probe-input';
  plain.style.cssText = 'position:fixed;right:4px;bottom:30px;width:160px;z-index:99999';
  document.body.appendChild(plain);
  App.NativeReady().then((st) => { report('ready ' + st.platform + ' files=' + st.files.length); open(st.files, 'start'); });
})();`
