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
  // The counters (done today, the tabs) come back with each saved row as out-of-band swaps.
});
