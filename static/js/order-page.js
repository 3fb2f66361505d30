// The order page: when htmx swaps in another tab, keep the keyboard on the tab that was opened (the swap
// replaced the link that had focus, which would leave focus at the top of the page). Each settle is matched
// to its own request, so a poll (the bell, a job page) that settles meanwhile neither steals nor cancels it.
document.addEventListener("DOMContentLoaded", () => {
  document.body.addEventListener("htmx:afterSettle", (event) => {
    const opener = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!opener || !opener.matches || !opener.matches(".tabbar a, .step-link")) return;
    const current = document.querySelector("#order-tabs .tabbar a[aria-current=page]");
    if (current) current.focus();
  });
});
