/* "Copy the link": copies data-copy to the clipboard and says so on the button. The button stays
   hidden where the browser cannot copy (the link itself is on the page to copy by hand). */
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    if (!navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.dataset.copy).then(function () {
        button.textContent = button.dataset.copied;
      });
    });
  });
}());
