// Email and spreadsheet intake: a form marked data-submit-once sends once. A second click while the
// first request runs would otherwise save the order (or import the file) twice.
document.addEventListener("DOMContentLoaded", () => {
  const forms = document.querySelectorAll("form[data-submit-once]");
  forms.forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (form.dataset.submitting) {
        event.preventDefault();
        return;
      }
      form.dataset.submitting = "1";
      form.querySelectorAll("button[type=submit]").forEach((button) => button.setAttribute("aria-disabled", "true"));
    });
  });
  // Coming back with the browser's Back button restores the page as it was: let it submit again.
  window.addEventListener("pageshow", () => {
    forms.forEach((form) => {
      delete form.dataset.submitting;
      form.querySelectorAll("button[type=submit]").forEach((button) => button.removeAttribute("aria-disabled"));
    });
  });
});
