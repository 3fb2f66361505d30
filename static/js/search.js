// The top bar's search box: "/" focuses it from anywhere but a field; as you type, htmx fills the dropdown
// (search/_dropdown.html). The arrow keys move between the box and the dropdown's links, Enter opens the
// link (a link's own behaviour), Escape closes the dropdown and gives focus back to the box.
(() => {
  const box = () => document.getElementById("topsearch-q");
  const panel = () => document.getElementById("topsearch-results");
  const links = () => Array.from(panel()?.querySelectorAll("a[href]") ?? []);
  const isOpen = () => Boolean(panel()?.firstElementChild);

  function close(refocus) {
    const results = panel();
    if (!results) return;
    results.replaceChildren();
    if (refocus) box()?.focus();
  }

  function typing(target) {
    return Boolean(target.closest?.("input, textarea, select, [contenteditable]:not([contenteditable='false'])"));
  }

  document.addEventListener("keydown", (event) => {
    const input = box();
    if (!input) return;
    if (event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey && !typing(event.target)) {
      event.preventDefault();
      input.focus();
      input.select();
      return;
    }
    const inSearch = event.target === input || panel()?.contains(event.target);
    if (!inSearch) return;
    if (event.key === "Escape" && isOpen()) {
      event.preventDefault();
      close(true);
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const all = links();
    if (!all.length) return;
    event.preventDefault();
    const at = all.indexOf(document.activeElement);
    if (event.key === "ArrowDown") {
      all[at < 0 ? 0 : Math.min(at + 1, all.length - 1)].focus();
    } else if (at <= 0) {
      input.focus();
    } else {
      all[at - 1].focus();
    }
  });

  // A click elsewhere closes the dropdown.
  document.addEventListener("click", (event) => {
    if (isOpen() && !event.target.closest?.(".topsearch")) close(false);
  });
})();
