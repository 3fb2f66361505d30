// Production pages. No inline scripts anywhere: the CSP forbids them.
document.addEventListener("DOMContentLoaded", () => {
  // A check-in row that fails validation comes back as 422 with its errors: swap it in like a success,
  // so the merchandiser sees what to fix in place (htmx does not swap 4xx responses by default).
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // Keep "Done today: n / m" in step with the rows as each one saves.
  document.body.addEventListener("htmx:afterSwap", () => {
    const counter = document.getElementById("checkin-done");
    if (counter) counter.textContent = document.querySelectorAll(".checkin[data-status='done']").length;
  });
});
