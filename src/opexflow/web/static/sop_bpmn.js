// The SOP's flowchart in bpmn-js (vendored 17.11.1): edited in a draft, viewed otherwise.
// Saving sends the BPMN XML to the API with the version read, so a stale save is refused.
(function () {
  "use strict";
  var el = document.getElementById("bpmn");
  if (!el || !window.BpmnJS) return;
  var editable = el.dataset.editable === "true";
  var csrf = (JSON.parse(document.body.getAttribute("hx-headers") || "{}"))["X-CSRF-Token"];
  var modeler = new window.BpmnJS({ container: el, keyboard: { bindTo: document } });
  var status = document.getElementById("bpmn-status");

  function say(text, bad) {
    status.textContent = text;
    status.className = bad ? "bad" : "muted";
  }

  fetch(el.dataset.source).then(function (r) { return r.text(); }).then(function (xml) {
    return modeler.importXML(xml);
  }).then(function () {
    modeler.get("canvas").zoom("fit-viewport");
  }).catch(function (err) { say(String(err), true); });

  var save = document.getElementById("bpmn-save");
  if (!save || !editable) return;
  save.addEventListener("click", function () {
    modeler.saveXML({ format: true }).then(function (result) {
      return fetch(el.dataset.save, {
        method: "PUT",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ version: Number(el.dataset.version), xml: result.xml })
      });
    }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (res) {
      if (!res.ok) { say(res.body.error, true); return; }
      el.dataset.version = String(res.body.version);
      say(el.dataset.saved, false);
      window.location.reload();
    });
  });
})();
