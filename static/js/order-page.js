// The order page: when htmx swaps in another tab, keep the keyboard on the tab that was opened (the swap
// replaced the link that had focus, which would leave focus at the top of the page).
document.addEventListener("DOMContentLoaded", () => {
  let openedTab = false;
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    openedTab = Boolean(event.detail.elt.matches && event.detail.elt.matches(".tabbar a, .step-link"));
  });
  document.body.addEventListener("htmx:afterSettle", () => {
    if (!openedTab) return;
    openedTab = false;
    const current = document.querySelector("#order-tabs .tabbar a[aria-current=page]");
    if (current) current.focus();
  });
});
