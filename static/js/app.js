// Small progressive enhancements. No inline scripts anywhere: the CSP forbids them.
document.addEventListener("DOMContentLoaded", () => {
  setUpMenu();
  // Send the CSRF token with every htmx request.
  document.body.addEventListener("htmx:configRequest", (event) => {
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) event.detail.headers["X-CSRFToken"] = token.value;
  });
  // A block marked data-swap-invalid comes back as 422 with what to fix: swap it in like a success
  // (htmx does not swap 4xx responses by default).
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.xhr.status === 422 && event.detail.target.closest("[data-swap-invalid]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // Ask before destructive actions: buttons carry data-confirm with the question.
  document.body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });
});

// The main menu. Its groups are <details> (keyboard: Tab to a group, Enter or Space opens it); this adds
// what <details> lacks: Escape closes the open group (or the phone menu) and gives focus back to its
// button, opening one group closes the others, and a click elsewhere closes them. On a narrow screen the
// menu button shows or hides the whole menu.
function setUpMenu() {
  const nav = document.getElementById("mainnav");
  if (!nav) return;
  const groups = Array.from(nav.querySelectorAll("details.navgroup"));
  const button = document.querySelector(".menu-button[aria-controls=mainnav]");
  const setOpen = (open) => {
    nav.classList.toggle("is-open", open);
    button.setAttribute("aria-expanded", String(open));
  };
  if (button) button.addEventListener("click", () => setOpen(!nav.classList.contains("is-open")));
  groups.forEach((group) => {
    group.addEventListener("toggle", () => {
      if (group.open) groups.forEach((other) => { if (other !== group) other.open = false; });
    });
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const open = groups.find((group) => group.open);
    if (open) {
      open.open = false;
      open.querySelector("summary").focus();
    } else if (button && nav.classList.contains("is-open")) {
      setOpen(false);
      button.focus();
    }
  });
  document.addEventListener("click", (event) => {
    groups.forEach((group) => { if (group.open && !group.contains(event.target)) group.open = false; });
  });
}
