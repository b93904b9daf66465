//go:build nativeprobe

package main

// probeJS, in builds with the nativeprobe tag (scripts/webkit-native.sh),
// stands in for the frontend's native wiring and reports to the log what
// reaches the page, so a script can check the real WebKitGTK window: every
// keydown (GTK keeps the keys of native accelerators), every menu:command,
// the text of inputs and the editor after each edit, the files it is handed
// (which it opens, as the frontend will, so Open Recent fills), and the quit
// protocol (it acknowledges each request, cancels the first and confirms
// the second).
const probeJS = `(() => {
  const App = window.go.main.App;
  const report = (what) => App.ReportTiming('probe ' + what, 0);
  const mods = (e) => (e.ctrlKey ? 'Ctrl+' : '') + (e.altKey ? 'Alt+' : '') + (e.shiftKey ? 'Shift+' : '');
  window.addEventListener('keydown', (e) => report('keydown ' + mods(e) + e.key + ' code=' + e.code), true);
  window.addEventListener('input', (e) => {
    const t = e.target;
    const cm = t.closest && t.closest('.cm-content');
    report('input ' + (cm ? 'editor' : t.tagName) + ' ' + JSON.stringify(cm ? cm.innerText : t.value));
  }, true);
  const open = (paths, source) => paths.forEach((path) =>
    App.OpenSQLFile({ path }).then(
      (f) => report('opened ' + source + ' ' + f.name + ' ' + f.content.length + ' chars'),
      (err) => report('refused ' + source + ' ' + path + ' ' + err.message)));
  window.runtime.EventsOn('menu:command', (p) => report('menu:command ' + p.id));
  window.runtime.EventsOn('files:open', (p) => open(p.paths, p.source));
  let quits = 0;
  window.runtime.EventsOn('app:quit-requested', (q) => {
    App.AcknowledgeQuit(q.requestId);
    quits++;
    report('quit-requested ' + q.requestId + ' openWork=' + q.openWork.length + (quits === 1 ? ' cancel' : ' confirm'));
    if (quits === 1) App.CancelQuit(); else App.ConfirmQuit();
  });
  App.NativeReady().then((st) => { report('ready ' + st.platform + ' files=' + st.files.length); open(st.files, 'start'); });
})();`
