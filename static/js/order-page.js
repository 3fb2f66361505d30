// The order page: when htmx swaps in another tab, keep the keyboard on the tab that was opened (the swap
// replaced the link that had focus, which would leave focus at the top of the page).
document.addEventListener("DOMContentLoaded", () => {
  document.body.addEventListener("htmx:afterSettle", (event) => {
    const opener = event.detail.elt;
    if (!opener || !opener.matches || !opener.matches(".tabbar a, .step-link")) return;
    const current = document.querySelector("#order-tabs .tabbar a[aria-current=page]");
    if (current) current.focus();
  });
});
