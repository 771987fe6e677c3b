// The full page's service worker (web/sw.js, docs/hosting.md): registered
// only on the full playground (not an `embed=1` frame), and only where the
// browser allows workers (https, or http on localhost), once the page has
// started and the browser is idle (its first install fetches every file,
// which would otherwise compete with the page's own loading). When a new
// build has been installed beside the one running, a notice offers to
// reload into it.
const query = new URLSearchParams(location.search);
if ("serviceWorker" in navigator && window.isSecureContext && !query.has("embed")) {
  let accepted = false;
  const offer = (worker) => {
    if (document.querySelector(".update-notice")) return;
    const notice = document.createElement("div");
    notice.className = "update-notice";
    notice.setAttribute("role", "status");
    const text = document.createElement("span");
    text.textContent = "A new version of Raftlab is ready. Reloading starts it (share or export this run first to keep it).";
    const reload = document.createElement("button");
    reload.type = "button";
    reload.textContent = "Reload";
    reload.addEventListener("click", () => {
      accepted = true;
      worker.postMessage("raftlab-update");
    });
    const later = document.createElement("button");
    later.type = "button";
    later.textContent = "Later";
    later.addEventListener("click", () => notice.remove());
    notice.append(text, reload, later);
    document.body.append(notice);
  };
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (accepted) location.reload();
  });
  const register = () => navigator.serviceWorker.register("./sw.js").then((registration) => {
    if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
    registration.addEventListener("updatefound", () => {
      const worker = registration.installing;
      worker?.addEventListener("statechange", () => {
        if (worker.state === "installed" && navigator.serviceWorker.controller) offer(worker);
      });
    });
  }, (error) => console.warn(`Raftlab works online only here: ${error.message}`));
  const whenIdle = () => (window.requestIdleCallback ?? setTimeout)(register, { timeout: 2000 });
  if (window.wasmBindings) whenIdle();
  else addEventListener("TrunkApplicationStarted", whenIdle, { once: true });
}
