// Logistics and after-sales pages: copy the customer's status link. No inline script: the CSP forbids it.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-copy-target]").forEach((button) => {
    button.addEventListener("click", async () => {
      const input = document.getElementById(button.dataset.copyTarget);
      if (!input) return;
      input.select();
      try {
        await navigator.clipboard.writeText(input.value);
        button.textContent = button.dataset.copiedText || button.textContent;
      } catch (error) {
        // No clipboard access (plain http): the text stays selected for Ctrl+C.
      }
    });
  });
});
